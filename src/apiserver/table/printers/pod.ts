// The Pod printer: READY, STATUS, RESTARTS, AGE (wide: IP, NODE, NOMINATED NODE, READINESS
// GATES), a port of kubectl's printPod including init-container and sidecar rules, so STATUS
// reads CrashLoopBackOff, Init:1/2, Completed or Terminating exactly when kubectl would.
import type { KubeObject } from "../../../apis/meta/types.ts";
import {
  AGE_COLUMN,
  age,
  column,
  get,
  hasTrueCondition,
  list,
  NAME_COLUMN,
  num,
  type Obj,
  str,
  wide,
} from "../cells.ts";
import { since } from "../duration.ts";
import type { PrintContext, Printer, PrinterEntry, TableCell, TableRowCondition } from "../types.ts";

const columns = [
  NAME_COLUMN,
  column("Ready", "The aggregate readiness state of this pod for accepting traffic."),
  column("Status", "The aggregate status of the containers in this pod."),
  column(
    "Restarts",
    "The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.",
  ),
  AGE_COLUMN,
  wide(
    "IP",
    "IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.",
  ),
  wide("Node", "NodeName indicates in which node this pod is scheduled."),
  wide("Nominated Node", "The node the scheduler nominated for this pod when it preempted other pods."),
  wide("Readiness Gates", "How many of the pod's readiness gates are true, out of all of them."),
];

// Sidecars are init containers with restartPolicy Always; they count as regular containers.
const isRestartable = (c: Obj | undefined) => c !== undefined && c.restartPolicy === "Always";

/** The latest lastState.terminated.finishedAt among the statuses, as epoch ms (0 = never). */
function lastTermination(statuses: Obj[]): number {
  let latest = 0;
  for (const s of statuses) {
    const finished = Date.parse(str(s, "lastState.terminated.finishedAt"));
    if (!Number.isNaN(finished) && finished > latest) latest = finished;
  }
  return latest;
}

const sumRestarts = (statuses: Obj[]) => statuses.reduce((n, s) => n + num(s, "restartCount"), 0);

function terminatedReason(state: unknown, prefix: string): string {
  const reason = str(state, "terminated.reason");
  if (reason) return `${prefix}${reason}`;
  const signal = num(state, "terminated.signal");
  return signal !== 0
    ? `${prefix}Signal:${signal}`
    : `${prefix}ExitCode:${num(state, "terminated.exitCode")}`;
}

interface Summary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  lastRestart: number;
}

function summarize(pod: KubeObject): Summary {
  const phase = str(pod, "status.phase");
  let reason = str(pod, "status.reason") || phase;
  for (const c of list(pod, "status.conditions")) {
    if (c.type === "PodScheduled" && c.reason === "SchedulingGated") reason = "SchedulingGated";
  }
  const initSpecs = new Map(list(pod, "spec.initContainers").map((c) => [str(c, "name"), c]));
  const total = list(pod, "spec.containers").length + [...initSpecs.values()].filter(isRestartable).length;
  let ready = 0;

  // Restarts are only counted for the init containers visited before the first unfinished one.
  let restarts = 0;
  let lastRestart = 0;
  const visitedSidecars: Obj[] = [];
  let initializing = false;
  for (const [i, s] of list(pod, "status.initContainerStatuses").entries()) {
    restarts += num(s, "restartCount");
    lastRestart = Math.max(lastRestart, lastTermination([s]));
    const sidecar = isRestartable(initSpecs.get(str(s, "name")));
    if (sidecar) visitedSidecars.push(s);
    const state = get(s, "state");
    if (get(state, "terminated") != null && num(state, "terminated.exitCode") === 0) continue;
    if (sidecar && s.started === true) {
      if (s.ready === true) ready++;
      continue;
    }
    initializing = true;
    const waiting = str(state, "waiting.reason");
    if (get(state, "terminated") != null) reason = terminatedReason(state, "Init:");
    else if (waiting !== "" && waiting !== "PodInitializing") reason = `Init:${waiting}`;
    else reason = `Init:${i}/${list(pod, "spec.initContainers").length}`;
    break;
  }

  if (!initializing || hasTrueCondition(pod, "Initialized")) {
    const statuses = list(pod, "status.containerStatuses");
    restarts = sumRestarts(visitedSidecars) + sumRestarts(statuses);
    lastRestart = Math.max(lastTermination(visitedSidecars), lastTermination(statuses));
    let hasRunning = false;
    // Walk backwards so the first container's state wins, as kubectl does.
    for (const s of [...statuses].reverse()) {
      const state = get(s, "state");
      if (str(state, "waiting.reason") !== "") reason = str(state, "waiting.reason");
      else if (get(state, "terminated") != null) reason = terminatedReason(state, "");
      else if (s.ready === true && get(state, "running") != null) {
        hasRunning = true;
        ready++;
      }
    }
    if (reason === "Completed" && hasRunning)
      reason = hasTrueCondition(pod, "Ready") ? "Running" : "NotReady";
  }

  if (pod.metadata.deletionTimestamp) {
    if (str(pod, "status.reason") === "NodeLost") reason = "Unknown";
    else if (phase !== "Succeeded" && phase !== "Failed") reason = "Terminating";
  }
  return { ready, total, reason, restarts, lastRestart };
}

function readinessGates(pod: KubeObject): string {
  const gates = list(pod, "spec.readinessGates");
  if (gates.length === 0) return "<none>";
  const conditions = list(pod, "status.conditions");
  const trueCount = gates.filter(
    (g) => conditions.find((c) => c.type === g.conditionType)?.status === "True",
  ).length;
  return `${trueCount}/${gates.length}`;
}

function cells(pod: KubeObject, ctx: PrintContext): TableCell[] {
  const s = summarize(pod);
  const restarts =
    s.restarts !== 0 && s.lastRestart !== 0
      ? `${s.restarts} (${since(new Date(s.lastRestart).toISOString(), ctx.now)} ago)`
      : String(s.restarts);
  // v1 objects may carry only podIP; Kubernetes' conversion fills podIPs from it.
  const ip = str(list(pod, "status.podIPs")[0], "ip") || str(pod, "status.podIP");
  return [
    pod.metadata.name ?? "",
    `${s.ready}/${s.total}`,
    s.reason,
    restarts,
    age(pod, ctx),
    ip || "<none>",
    str(pod, "spec.nodeName") || "<none>",
    str(pod, "status.nominatedNodeName") || "<none>",
    readinessGates(pod),
  ];
}

function conditions(pod: KubeObject): TableRowCondition[] | undefined {
  const phase = str(pod, "status.phase");
  if (phase === "Succeeded")
    return [
      {
        type: "Completed",
        status: "True",
        reason: "Succeeded",
        message: "The pod has completed successfully.",
      },
    ];
  if (phase === "Failed")
    return [{ type: "Completed", status: "True", reason: "Failed", message: "The pod failed." }];
  return undefined;
}

const podPrinter: Printer = { columns, cells, conditions };

export const podPrinters: PrinterEntry[] = [{ group: "", kind: "Pod", printer: podPrinter }];
