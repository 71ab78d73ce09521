// Pod statuses as a kubelet reports them, for each stage the simulated kubelet moves a pod
// through: ContainerCreating, Running (and Ready), CrashLoopBackOff, Completed, and Ready=False
// on a node that stopped reporting. Field shapes follow what kubectl and client libraries read:
// containerStatuses (ready, started, restartCount, image, imageID, containerID, state,
// lastState), conditions with their transition times, hostIP(s), podIP(s), startTime.
import { createHash } from "node:crypto";
import type { KubeObject } from "../../apis/meta/types.ts";
import { podSpec, podStatus, setCondition } from "./objects.ts";
import type { Condition, Container, ContainerStatus, PodStatus } from "./types.ts";

/** "nginx" → "docker.io/library/nginx:latest", as containerd reports images. */
export function normalizeImage(image: string): string {
  let ref = image;
  const firstSlash = ref.indexOf("/");
  const domain = firstSlash < 0 ? "" : ref.slice(0, firstSlash);
  if (firstSlash < 0) ref = `docker.io/library/${ref}`;
  else if (!domain.includes(".") && !domain.includes(":") && domain !== "localhost") ref = `docker.io/${ref}`;
  const lastSlash = ref.lastIndexOf("/");
  if (!ref.includes("@") && !ref.slice(lastSlash).includes(":")) ref = `${ref}:latest`;
  return ref;
}

const sha = (s: string) => createHash("sha256").update(s).digest("hex");

function imageID(image: string): string {
  const normalized = normalizeImage(image);
  const at = normalized.indexOf("@");
  if (at >= 0) return normalized;
  const colon = normalized.lastIndexOf(":");
  return `${normalized.slice(0, colon)}@sha256:${sha(normalized)}`;
}

const containerID = (pod: KubeObject, c: Container, restarts: number) =>
  `containerd://${sha(`${pod.metadata.uid}/${c.name}/${restarts}`)}`;

/** Go's time.Duration formatting, enough for back-off messages ("10s", "1m20s", "500ms"). */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m${s % 60}s`;
}

export type ContainerStage =
  | { kind: "creating" }
  | { kind: "running"; startedAt: string }
  | { kind: "crashing"; restartCount: number; finishedAt: string; backoffMs: number }
  | { kind: "completed"; startedAt: string; finishedAt: string };

function containerStatus(
  pod: KubeObject,
  c: Container,
  prev: ContainerStatus | undefined,
  stage: ContainerStage,
) {
  const image = normalizeImage(c.image ?? "");
  const restartCount = stage.kind === "crashing" ? stage.restartCount : (prev?.restartCount ?? 0);
  const base = { name: c.name, image, imageID: imageID(c.image ?? ""), restartCount };
  const id = containerID(pod, c, restartCount);
  switch (stage.kind) {
    case "creating":
      return {
        ...base,
        imageID: "",
        ready: false,
        started: false,
        state: { waiting: { reason: "ContainerCreating" } },
        lastState: {},
      };
    case "running":
      return {
        ...base,
        containerID: id,
        ready: true,
        started: true,
        state: { running: { startedAt: stage.startedAt } },
        lastState: prev?.lastState ?? {},
      };
    case "crashing": {
      const pm = pod.metadata;
      return {
        ...base,
        containerID: id,
        ready: false,
        started: false,
        state: {
          waiting: {
            reason: "CrashLoopBackOff",
            message: `back-off ${formatDuration(stage.backoffMs)} restarting failed container=${c.name} pod=${pm.name}_${pm.namespace}(${pm.uid})`,
          },
        },
        lastState: {
          terminated: {
            exitCode: 1,
            reason: "Error",
            startedAt: stage.finishedAt,
            finishedAt: stage.finishedAt,
            containerID: id,
          },
        },
      };
    }
    case "completed":
      return {
        ...base,
        containerID: id,
        ready: false,
        started: false,
        state: {
          terminated: {
            exitCode: 0,
            reason: "Completed",
            startedAt: stage.startedAt,
            finishedAt: stage.finishedAt,
            containerID: id,
          },
        },
        lastState: {},
      };
  }
}

const initDone = (pod: KubeObject, c: Container, at: string) => ({
  name: c.name,
  image: normalizeImage(c.image ?? ""),
  imageID: imageID(c.image ?? ""),
  containerID: containerID(pod, c, 0),
  ready: true,
  started: false,
  restartCount: 0,
  state: { terminated: { exitCode: 0, reason: "Completed", startedAt: at, finishedAt: at } },
  lastState: {},
});

function conditions(prev: Condition[] | undefined, at: string, set: [string, boolean, string?, string?][]) {
  let out = prev;
  for (const [type, ok, reason, message] of set)
    out = setCondition(out, {
      type,
      status: ok ? "True" : "False",
      ...(reason ? { reason } : {}),
      ...(message ? { message } : {}),
      lastProbeTime: null,
      lastTransitionTime: at,
    });
  // The order kubelet reports them in.
  const order = ["PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"];
  return (out ?? []).sort((a, b) => order.indexOf(a.type) - order.indexOf(b.type));
}

export interface StageOptions {
  stage: ContainerStage;
  at: string;
  hostIP: string;
  podIP?: string;
  /** False when the node stopped reporting: the pod is kept but not Ready. */
  nodeReady: boolean;
}

/** The pod's status at a stage (every container at the same stage). */
export function podStatusAt(pod: KubeObject, o: StageOptions): PodStatus {
  const prev = podStatus(pod);
  const spec = podSpec(pod);
  const containers = spec.containers ?? [];
  const prevOf = (name: string) => prev.containerStatuses?.find((s) => s.name === name);
  const containerStatuses = containers.map((c) => containerStatus(pod, c, prevOf(c.name), o.stage));
  const unready = containerStatuses.filter((s) => !s.ready).map((s) => s.name);
  const done = o.stage.kind === "completed";
  const creating = o.stage.kind === "creating";
  const notReadyMsg = `containers with unready status: [${unready.join(" ")}]`;
  const containersReady = unready.length === 0;
  const ready = containersReady && o.nodeReady;
  const why = done ? "PodCompleted" : "ContainersNotReady";
  const init = spec.initContainers ?? [];
  const status: PodStatus = {
    ...prev,
    phase: done ? "Succeeded" : creating ? "Pending" : "Running",
    conditions: conditions(prev.conditions, o.at, [
      [
        "Initialized",
        !creating || init.length === 0,
        creating && init.length ? "ContainersNotInitialized" : undefined,
      ],
      ["Ready", ready, containersReady ? undefined : why, containersReady || done ? undefined : notReadyMsg],
      [
        "ContainersReady",
        containersReady,
        containersReady ? undefined : why,
        containersReady || done ? undefined : notReadyMsg,
      ],
      ["PodScheduled", true],
    ]),
    hostIP: o.hostIP,
    hostIPs: [{ ip: o.hostIP }],
    startTime: prev.startTime ?? o.at,
    containerStatuses,
  };
  if (init.length > 0 && !creating)
    status.initContainerStatuses = init.map((c) => initDone(pod, c, status.startTime!));
  if (o.podIP) {
    status.podIP = o.podIP;
    status.podIPs = [{ ip: o.podIP }];
  }
  return status;
}
