// The simulated kubelets of one cluster: a pod bound to a node shows ContainerCreating, then after
// profile.podStartDelayMs runs with an IP from its node's pod CIDR and all conditions True. Faults
// shape what follows: pods of workloads in faults.crashLoop sit in CrashLoopBackOff with a growing
// restartCount (Kubernetes' back-off: 10 × podStartDelayMs doubling to 5 minutes, so 10s…5m at a
// 1s start delay); pods on a node that stopped reporting turn Ready=False. A Job's pods finish
// (Succeeded) after running for podStartDelayMs. Every timed step is a delayed queue entry, so a
// pod costs nothing between transitions. Each transition is reported as the kubelet's events
// (kubelet-events.ts): Pulling, Pulled, Created, Started, BackOff.
import type { KubeObject } from "../../apis/meta/types.ts";
import { type Controller, type ControllerEnv, newQueue, writeStatus } from "./env.ts";
import { KubeletEvents } from "./kubelet-events.ts";
import {
  controllerRef,
  isPodTerminal,
  isTerminating,
  keyOf,
  now,
  podSpec,
  podStatus,
  splitKey,
} from "./objects.ts";
import { type ContainerStage, podStatusAt } from "./pod-status.ts";
import { isNodeReady, nodeSpec, nodeStatus } from "./scheduling.ts";

const MAX_BACKOFF_MS = 300_000;

export function startKubelet(env: ControllerEnv): Controller {
  const { cache, profile, faults } = env;
  const startDelay = Math.max(0, profile.podStartDelayMs);
  const backoffBase = Math.max(100, startDelay * 10);
  const backoff = (restarts: number) =>
    Math.min(MAX_BACKOFF_MS, backoffBase * 2 ** Math.max(0, restarts - 1));
  const nodeIndex = new Map<string, number>();
  const cursors = new Map<string, number>();
  /** Pod uid → when its next step (start, restart, finish) is due, in ms. */
  const due = new Map<string, number>();
  const events = new KubeletEvents(env);

  const indexOf = (node: string) => {
    const i = nodeIndex.get(node) ?? nodeIndex.size;
    nodeIndex.set(node, i);
    return i;
  };

  const hostIPOf = (node: KubeObject) =>
    nodeStatus(node).addresses?.find((a) => a.type === "InternalIP")?.address ??
    `172.18.${Math.floor(indexOf(node.metadata.name!) / 250)}.${(indexOf(node.metadata.name!) % 250) + 2}`;

  /** The next free address in the node's pod CIDR (a /24 is enough for a simulated node). */
  const allocateIP = (node: KubeObject): string | undefined => {
    const name = node.metadata.name!;
    const cidr = nodeSpec(node).podCIDR ?? `10.244.${indexOf(name) % 256}.0/24`;
    const prefix = cidr.split("/")[0].split(".").slice(0, 3).join(".");
    const used = new Set(cache.pods.byIndex("node", name).map((p) => podStatus(p).podIP));
    const start = cursors.get(name) ?? 0;
    for (let i = 0; i < 253; i++) {
      const host = ((start + i) % 253) + 2;
      const ip = `${prefix}.${host}`;
      if (!used.has(ip)) {
        cursors.set(name, host - 1);
        return ip;
      }
    }
    return undefined;
  };

  /** "namespace/name" of the workload a pod belongs to (a ReplicaSet's Deployment). */
  const workloadOf = (pod: KubeObject): string[] => {
    const ref = controllerRef(pod);
    if (!ref) return [];
    const ns = pod.metadata.namespace;
    if (ref.kind !== "ReplicaSet") return [`${ns}/${ref.name}`];
    const rs = cache.replicaSets.get(ns, ref.name);
    const owner = rs && controllerRef(rs);
    const hash = pod.metadata.labels?.["pod-template-hash"];
    const deployment =
      owner?.name ?? (hash && ref.name.endsWith(`-${hash}`) ? ref.name.slice(0, -hash.length - 1) : "");
    return [`${ns}/${ref.name}`, ...(deployment ? [`${ns}/${deployment}`] : [])];
  };
  const crashLooping = (pod: KubeObject) => workloadOf(pod).some((w) => faults.crashLoop.has(w));
  const isJobPod = (pod: KubeObject) =>
    controllerRef(pod)?.kind === "Job" && (podSpec(pod).restartPolicy ?? "Always") !== "Always";

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const pod = cache.pods.get(namespace, name);
    const nodeName = pod && podSpec(pod).nodeName;
    if (!pod || !nodeName || isTerminating(pod) || isPodTerminal(pod)) return;
    const node = cache.nodes.get(undefined, nodeName);
    if (!node) return;
    const nodeReady = isNodeReady(node, faults);
    const status = podStatus(pod);
    const at = now();
    const hostIP = hostIPOf(node);
    const uid = pod.metadata.uid!;
    const nowMs = Date.now();
    if (!status.startTime || !status.containerStatuses) {
      // A stopped kubelet starts nothing; the pod waits, bound, until its node is back.
      if (!nodeReady) return;
      await writeStatus(env, pod, podStatusAt(pod, { stage: { kind: "creating" }, at, hostIP, nodeReady }));
      events.creating(pod, nodeName);
      due.set(uid, nowMs + startDelay);
      queue.addAfter(key, startDelay);
      return;
    }
    const first = status.containerStatuses[0];
    const waiting = (first?.state?.waiting as { reason?: string } | undefined)?.reason;
    if (waiting === "ContainerCreating") {
      const startAt = due.get(uid) ?? Date.parse(status.startTime) + startDelay;
      if (nowMs < startAt) return queue.addAfter(key, startAt - nowMs);
      if (!nodeReady) return;
      due.delete(uid);
    }
    if (!nodeReady) {
      // Nothing reports from the node any more: the node lifecycle controller only flips Ready.
      const conditions = (status.conditions ?? []).map((c) =>
        c.type === "Ready" && c.status !== "False"
          ? { ...c, status: "False" as const, lastTransitionTime: at }
          : c,
      );
      await writeStatus(env, pod, { ...status, conditions });
      return;
    }
    const podIP = podSpec(pod).hostNetwork ? hostIP : (status.podIP ?? allocateIP(node));
    if (!podIP) return;
    const running = (first?.state?.running as { startedAt?: string } | undefined)?.startedAt;
    const starting = waiting === "ContainerCreating";
    let restartedNow = false;
    let stage: ContainerStage;
    if (crashLooping(pod)) {
      let restartCount = first?.restartCount ?? 0;
      let finishedAt =
        (first?.lastState?.terminated as { finishedAt?: string } | undefined)?.finishedAt ?? at;
      const crashing = waiting === "CrashLoopBackOff";
      const restartAt = due.get(uid) ?? Date.parse(finishedAt) + backoff(restartCount);
      if (!crashing || nowMs >= restartAt) {
        restartedNow = true;
        restartCount++;
        finishedAt = at;
        due.set(uid, nowMs + backoff(restartCount));
      }
      stage = { kind: "crashing", restartCount, finishedAt, backoffMs: backoff(restartCount) };
      queue.addAfter(key, Math.max(1, (due.get(uid) ?? nowMs) - nowMs));
    } else if (isJobPod(pod)) {
      // Timestamps in the API have second precision; the schedule is kept here, precisely.
      if (!running) due.set(uid, nowMs + startDelay);
      const finishAt = due.get(uid) ?? Date.parse(running!) + startDelay;
      if (running && nowMs >= finishAt) {
        stage = { kind: "completed", startedAt: running, finishedAt: at };
        due.delete(uid);
      } else {
        stage = { kind: "running", startedAt: running ?? at };
        queue.addAfter(key, Math.max(1, finishAt - nowMs));
      }
    } else {
      due.delete(uid);
      stage = { kind: "running", startedAt: running ?? at };
    }
    await writeStatus(env, pod, podStatusAt(pod, { stage, at, hostIP, podIP, nodeReady }));
    if (starting) events.started(pod, nodeName, startDelay);
    if (restartedNow) events.restarted(pod, nodeName, { firstStart: starting });
  };

  const queue = newQueue(env, "kubelet", sync);
  cache.pods.on((pod, _old, deleted) => {
    if (deleted || isPodTerminal(pod)) {
      due.delete(pod.metadata.uid ?? "");
      events.forget(pod);
    } else if (podSpec(pod).nodeName) queue.add(keyOf(pod));
  });
  cache.nodes.on((node, old, deleted) => {
    if (deleted || (old && isNodeReady(old, faults) === isNodeReady(node, faults))) return;
    for (const pod of cache.pods.byIndex("node", node.metadata.name!)) queue.add(keyOf(pod));
  });
  const resync = () => {
    for (const pod of cache.pods.list()) if (podSpec(pod).nodeName) queue.add(keyOf(pod));
  };
  return { name: "kubelet", queue, resync };
}
