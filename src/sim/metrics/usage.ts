// Simulated resource usage: what metrics-server would report for each pod and node, computed on
// demand from the cluster's objects (no timers, nothing stored), deterministically.
//
// The model, per running container:
//   cpu    = load(cpu)    × CPU request    × spread(pod)   (capped at the CPU limit)
//   memory = load(memory) × memory request × spread'(pod)  (capped at the memory limit, whole pages)
// - load comes from the cpuLoad / memoryLoad faults: the first of "namespace/<pod>",
//   "namespace/<owner>" and "namespace/<deployment>" they name, else their "*" entry, else
//   DEFAULT_CPU_LOAD / DEFAULT_MEMORY_LOAD. A {total: N} load is N / (the Ready, running pods
//   sharing that key — for "*", the pod's own workload), so more replicas each do less;
// - a container without a request counts its limit, else NOMINAL_CPU / NOMINAL_MEMORY;
// - spread is a fixed factor in [1 - SPREAD, 1 + SPREAD] hashed from the pod's name, so replicas
//   differ a little, as real ones do, but always by the same amount.
// Timing is metrics-server's: usage is scraped every `resolution` (aligned to the clock), and a
// CPU rate needs two points, so a container has metrics once it was running at the previous
// scrape (window = resolution) or, fresh, started 10 s to one resolution before the last scrape
// (window = since it started). Pods that are not Running, and everything on a node whose kubelet
// is stopped (the nodesNotReady fault), have none. A node reports the sum of its pods plus what
// the kubelet, runtime and system daemons use (NODE_SYSTEM_*).
import type { KubeObject } from "../../apis/meta/types.ts";
import type { FaultState, Load } from "../context.ts";
import { parseQuantity } from "../quantity.ts";

export const DEFAULT_CPU_LOAD = 0.1;
export const DEFAULT_MEMORY_LOAD = 0.25;
export const DEFAULT_METRIC_RESOLUTION_MS = 15_000;
/** metrics-server's freshContainerMinMetricsResolution. */
const FRESH_CONTAINER_MIN_MS = 10_000;
const NOMINAL_CPU = 0.1;
const NOMINAL_MEMORY = 64 * 2 ** 20;
export const SPREAD = 0.1;
const PAGE = 4096;
export const NODE_SYSTEM_CPU = 0.1;
export const NODE_SYSTEM_MEMORY = 512 * 2 ** 20;

export type ResourceName = "cpu" | "memory";

export interface ContainerUsage {
  name: string;
  cpuNanos: number;
  memoryBytes: number;
}

/** One pod's metrics: the interval [timestamp - window, timestamp] they cover. */
export interface PodUsage {
  timestampMs: number;
  windowMs: number;
  containers: ContainerUsage[];
}

export interface NodeUsage {
  timestampMs: number;
  windowMs: number;
  cpuNanos: number;
  memoryBytes: number;
}

export interface UsageContext {
  faults: FaultState;
  resolutionMs?: number;
  /** How many pods share a {total} load set under `key` (see sharers()); 1 when absent. */
  sharers?: (key: string) => number;
}

interface ContainerSpec {
  name: string;
  resources?: { requests?: Record<string, unknown>; limits?: Record<string, unknown> };
}

interface PodShape {
  spec?: { nodeName?: string; containers?: ContainerSpec[] };
  status?: {
    phase?: string;
    containerStatuses?: { name: string; state?: { running?: { startedAt?: string } } }[];
  };
}

/** The last scrape at or before `nowMs`. */
export const lastScrape = (nowMs: number, resolutionMs: number) =>
  Math.floor(nowMs / resolutionMs) * resolutionMs;

/** FNV-1a of the text as a fraction in [0, 1). */
function unitHash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) / 2 ** 32;
}

/** The pod's fixed deviation from its workload's load, per resource. */
export function spread(pod: KubeObject, resource: ResourceName): number {
  const key = `${pod.metadata.namespace}/${pod.metadata.name}${resource === "memory" ? "#memory" : ""}`;
  return 1 + SPREAD * (2 * unitHash(key) - 1);
}

/** "namespace/name" keys a load may be set under for this pod, most specific first. */
export function loadKeys(pod: KubeObject): string[] {
  const ns = pod.metadata.namespace;
  const keys = [`${ns}/${pod.metadata.name}`];
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller);
  if (!owner) return keys;
  keys.push(`${ns}/${owner.name}`);
  const hash = pod.metadata.labels?.["pod-template-hash"];
  if (owner.kind === "ReplicaSet" && hash && owner.name.endsWith(`-${hash}`))
    keys.push(`${ns}/${owner.name.slice(0, -hash.length - 1)}`);
  return keys;
}

/** The fraction of its request the pod's containers use. */
export function loadOf(pod: KubeObject, resource: ResourceName, ctx: UsageContext): number {
  const loads = resource === "cpu" ? ctx.faults.cpuLoad : ctx.faults.memoryLoad;
  if (loads.size === 0) return resource === "cpu" ? DEFAULT_CPU_LOAD : DEFAULT_MEMORY_LOAD;
  const keys = loadKeys(pod);
  const key = keys.find((k) => loads.has(k));
  const load: Load | undefined = key ? loads.get(key) : loads.get("*");
  if (load === undefined) return resource === "cpu" ? DEFAULT_CPU_LOAD : DEFAULT_MEMORY_LOAD;
  if (typeof load === "number") return load;
  return load.total / Math.max(1, ctx.sharers?.(key ?? keys[keys.length - 1]) ?? 1);
}

/** Whether any {total} load is set (only then do usages depend on other pods). */
export const sharedLoads = (f: FaultState) =>
  [...f.cpuLoad.values(), ...f.memoryLoad.values()].some((l) => typeof l !== "number");

/**
 * Counts, per load key, the Ready running pods among `pods` (the namespace's, or a thunk giving
 * them, read only if a {total} load is asked about) that share a {total} load.
 */
export function sharers(
  pods: readonly KubeObject[] | (() => readonly KubeObject[]),
  faults: FaultState,
): (key: string) => number {
  let counts: Map<string, number> | undefined;
  return (key) => {
    if (!counts) {
      counts = new Map();
      for (const p of typeof pods === "function" ? pods() : pods) {
        const shape = p as PodShape & { status?: { conditions?: { type: string; status: string }[] } };
        if (shape.status?.phase !== "Running" || p.metadata.deletionTimestamp) continue;
        if (faults.nodesNotReady.has(shape.spec?.nodeName ?? "")) continue;
        if (!shape.status.conditions?.some((c) => c.type === "Ready" && c.status === "True")) continue;
        for (const k of loadKeys(p)) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
    }
    return counts.get(key) ?? 0;
  };
}

function amount(c: ContainerSpec, resource: ResourceName): { base: number; limit?: number } {
  const request = parseQuantity(c.resources?.requests?.[resource]);
  const limit = parseQuantity(c.resources?.limits?.[resource]);
  return { base: request ?? limit ?? (resource === "cpu" ? NOMINAL_CPU : NOMINAL_MEMORY), limit };
}

/** When the scrape at `ts` has two points for a container started at `startedMs`: its window. */
function windowAt(ts: number, startedMs: number, resolutionMs: number): number | undefined {
  if (startedMs < ts - resolutionMs) return resolutionMs;
  const age = ts - startedMs;
  if (age >= FRESH_CONTAINER_MIN_MS && age < resolutionMs) return age;
  return undefined;
}

/** The pod's metrics at `nowMs`, or undefined when metrics-server would have none. */
export function podUsage(pod: KubeObject, nowMs: number, ctx: UsageContext): PodUsage | undefined {
  const p = pod as PodShape;
  if (p.status?.phase !== "Running") return undefined;
  const node = p.spec?.nodeName;
  if (!node || ctx.faults.nodesNotReady.has(node)) return undefined;
  const resolution = ctx.resolutionMs ?? DEFAULT_METRIC_RESOLUTION_MS;
  const ts = lastScrape(nowMs, resolution);
  const started = new Map<string, number>();
  for (const s of p.status.containerStatuses ?? []) {
    const at = Date.parse(s.state?.running?.startedAt ?? "");
    if (!Number.isNaN(at)) started.set(s.name, at);
  }
  let windowMs: number | undefined;
  const containers: ContainerUsage[] = [];
  const cpuLoad = loadOf(pod, "cpu", ctx) * spread(pod, "cpu");
  const memoryLoad = loadOf(pod, "memory", ctx) * spread(pod, "memory");
  for (const c of p.spec?.containers ?? []) {
    const since = started.get(c.name);
    const window = since === undefined ? undefined : windowAt(ts, since, resolution);
    if (window === undefined) continue;
    windowMs ??= window;
    const cpu = amount(c, "cpu");
    const memory = amount(c, "memory");
    const cores = Math.min(cpuLoad * cpu.base, cpu.limit ?? Number.POSITIVE_INFINITY);
    const bytes = Math.min(memoryLoad * memory.base, memory.limit ?? Number.POSITIVE_INFINITY);
    containers.push({
      name: c.name,
      cpuNanos: Math.round(cores * 1e9),
      memoryBytes: Math.floor(bytes / PAGE) * PAGE,
    });
  }
  if (windowMs === undefined) return undefined;
  return { timestampMs: ts, windowMs, containers };
}

/** A node's metrics: its pods' usage plus the system's, or undefined when its kubelet is stopped. */
export function nodeUsage(
  node: KubeObject,
  podsOnNode: readonly KubeObject[],
  nowMs: number,
  ctx: UsageContext,
): NodeUsage | undefined {
  const name = node.metadata.name ?? "";
  if (ctx.faults.nodesNotReady.has(name)) return undefined;
  const resolution = ctx.resolutionMs ?? DEFAULT_METRIC_RESOLUTION_MS;
  let cores = NODE_SYSTEM_CPU;
  let bytes = NODE_SYSTEM_MEMORY;
  for (const pod of podsOnNode) {
    const u = podUsage(pod, nowMs, ctx);
    for (const c of u?.containers ?? []) {
      cores += c.cpuNanos / 1e9;
      bytes += c.memoryBytes;
    }
  }
  const capacity = (node.status as { capacity?: Record<string, unknown> } | undefined)?.capacity ?? {};
  const maxCores = parseQuantity(capacity.cpu) ?? Number.POSITIVE_INFINITY;
  const maxBytes = parseQuantity(capacity.memory) ?? Number.POSITIVE_INFINITY;
  return {
    timestampMs: lastScrape(nowMs, resolution),
    windowMs: resolution,
    cpuNanos: Math.round(Math.min(cores, maxCores) * 1e9),
    memoryBytes: Math.min(bytes, maxBytes),
  };
}

/** A pod's usage of one resource in milli-units, as the HPA reads it (Quantity.MilliValue()). */
export function milliUsage(u: ContainerUsage, resource: ResourceName): number {
  return resource === "cpu" ? Math.ceil(u.cpuNanos / 1e6) : u.memoryBytes * 1000;
}
