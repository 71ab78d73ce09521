// The simulated kube-scheduler: binds each Pending pod without spec.nodeName (and for the
// default scheduler) to a node that passes the filters in scheduling.ts, preferring the least
// allocated node so replicas spread. A pod that fits nowhere gets PodScheduled=False/Unschedulable
// with Kubernetes' message and waits: it is retried when a node changes in a way that matters or
// when a bound pod goes away (freeing resources), never on a timer. Bindings and failures are
// the Scheduled and FailedScheduling events of the default-scheduler. Pods are bound as
// kube-scheduler binds them, through the binding (binding.ts), never by a pod update.
import type { KubeObject } from "../../apis/meta/types.ts";
import { nodeNames } from "../node-objects.ts";
import { bindPod } from "./binding.ts";
import { type Controller, type ControllerEnv, newQueue, recordEvent, writeStatus } from "./env.ts";
import {
  isPodTerminal,
  isTerminating,
  keyOf,
  now,
  podSpec,
  podStatus,
  setCondition,
  splitKey,
} from "./objects.ts";
import {
  allocatable,
  filterNode,
  isNodeReady,
  nodeSpec,
  podRequests,
  type Resources,
  unschedulableMessage,
} from "./scheduling.ts";

const DEFAULT_SCHEDULER = "default-scheduler";
/** Used only to score, as kube-scheduler does for pods that request nothing. */
const NON_ZERO = { cpu: 0.1, memory: 200 * 2 ** 20 };

function wantsScheduling(pod: KubeObject): boolean {
  const spec = podSpec(pod);
  return (
    !spec.nodeName &&
    !isTerminating(pod) &&
    !isPodTerminal(pod) &&
    (spec.schedulerName ?? DEFAULT_SCHEDULER) === DEFAULT_SCHEDULER &&
    (spec.schedulingGates?.length ?? 0) === 0
  );
}

/** What the scheduler looks at on a node (heartbeats change nothing here). */
function schedulingView(node: KubeObject, env: ControllerEnv): string {
  return JSON.stringify([
    node.metadata.labels,
    nodeSpec(node),
    allocatable(node),
    isNodeReady(node, env.faults),
  ]);
}

/** Cached pods are never changed in place, so their requests are parsed once. */
const requestCache = new WeakMap<KubeObject, Resources>();
function requestsOf(pod: KubeObject): Resources {
  const r = requestCache.get(pod) ?? podRequests(podSpec(pod));
  requestCache.set(pod, r);
  return r;
}

export function startScheduler(env: ControllerEnv): Controller {
  const { cache } = env;
  /** Pods that fit nowhere, retried together when something changes. */
  const waiting = new Set<string>();
  const retryWaiting = () => {
    for (const key of waiting) queue.add(key);
  };

  const usage = (): Map<string, Resources> => {
    const out = new Map<string, Resources>();
    for (const node of cache.nodes.list()) {
      const used: Resources = { pods: 0 };
      for (const pod of cache.pods.byIndex("node", node.metadata.name!)) {
        if (isPodTerminal(pod)) continue;
        used.pods++;
        for (const [k, v] of Object.entries(requestsOf(pod))) used[k] = (used[k] ?? 0) + v;
      }
      out.set(node.metadata.name!, used);
    }
    return out;
  };

  const score = (node: KubeObject, used: Resources, requests: Resources): number => {
    const free = allocatable(node);
    let s = 0;
    for (const r of ["cpu", "memory"] as const) {
      const cap = free[r];
      if (!cap || !Number.isFinite(cap)) continue;
      const want = (used[r] ?? 0) + Math.max(requests[r] ?? 0, NON_ZERO[r]);
      s += (cap - want) / cap;
    }
    return s - (used.pods ?? 0) / 1000;
  };

  const schedule = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const pod = cache.pods.get(namespace, name);
    if (!pod || !wantsScheduling(pod)) {
      waiting.delete(key);
      return;
    }
    const spec = podSpec(pod);
    const requests = requestsOf(pod);
    const nodes = cache.nodes.list();
    const used = usage();
    const reasons = new Map<string, number>();
    let best: { node: KubeObject; score: number } | undefined;
    for (const node of nodes) {
      const u = used.get(node.metadata.name!) ?? { pods: 0 };
      const why = filterNode(spec, node, env.faults, u, requests);
      for (const r of why) reasons.set(r, (reasons.get(r) ?? 0) + 1);
      if (why.length > 0) continue;
      const s = score(node, u, requests);
      if (!best || s > best.score || (s === best.score && node.metadata.name! < best.node.metadata.name!))
        best = { node, score: s };
    }
    if (!best) {
      waiting.add(key);
      const status = podStatus(pod);
      const message = unschedulableMessage(nodes.length, reasons);
      await writeStatus(env, pod, {
        ...status,
        phase: "Pending",
        conditions: setCondition(status.conditions, {
          type: "PodScheduled",
          status: "False",
          reason: "Unschedulable",
          message,
          lastProbeTime: null,
          lastTransitionTime: now(),
        }),
      });
      report(pod, { type: "Warning", reason: "FailedScheduling", action: "Scheduling", message });
      return;
    }
    waiting.delete(key);
    const nodeName = best.node.metadata.name!;
    // Through the binding, as kube-scheduler binds: a pod update may not set spec.nodeName.
    const bound = await bindPod(env, pod, nodeName);
    if (bound)
      report(pod, {
        reason: "Scheduled",
        action: "Binding",
        message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${nodeName}`,
      });
  };

  /** The scheduler reports through the events.k8s.io recorder: an action and a reporting instance. */
  const instance = `${DEFAULT_SCHEDULER}-${nodeNames(env.profile)[0]}`;
  const report = (
    pod: KubeObject,
    info: { type?: "Warning"; reason: string; action: string; message: string },
  ) => recordEvent(env, pod, DEFAULT_SCHEDULER, { ...info, reportingInstance: instance });

  const queue = newQueue(env, "scheduler", schedule);
  cache.pods.on((pod, old, deleted) => {
    const key = keyOf(pod);
    if (deleted || isPodTerminal(pod)) {
      waiting.delete(key);
      // A bound pod that stops holding resources may let a waiting pod fit.
      if (podSpec(pod).nodeName && (deleted || !old || !isPodTerminal(old))) retryWaiting();
    } else if (wantsScheduling(pod) && !waiting.has(key)) queue.add(key);
  });
  cache.nodes.on((node, old, deleted) => {
    if (deleted) return;
    if (!old || schedulingView(old, env) !== schedulingView(node, env)) retryWaiting();
  });
  return { name: "scheduler", queue, resync: retryWaiting };
}
