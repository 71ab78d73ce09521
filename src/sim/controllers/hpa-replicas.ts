// The HPA's replica calculator for Resource metrics, as kube-controller-manager's
// replica_calculator.go computes it: pods are grouped into ready, unready (pending, or CPU
// still warming up), missing (no metrics) and ignored (deleted, failed); the usage ratio is
// taken over the ready ones, and when pods are missing or unready the ratio is recomputed
// assuming the worst case for the direction of the change (missing pods use 100% on a
// scale-down and 0% on a scale-up), so that a change is never made on incomplete data that
// would reverse it. Changes within the tolerance (10%) keep the current count.
// Values are milli-units (Quantity.MilliValue()), with Go's integer arithmetic.
import type { KubeObject } from "../../apis/meta/types.ts";
import { parseQuantity } from "../quantity.ts";
import { findCondition, isTerminating, podPhase, podSpec, podStatus } from "./objects.ts";

export type Resource = "cpu" | "memory";

export interface PodMetric {
  timestampMs: number;
  windowMs: number;
  /** Milli-units: millicores, or bytes × 1000. */
  value: number;
}

/** Pod name → its metric, as the metrics client returns them. */
export type PodMetrics = Map<string, PodMetric>;

export interface CalculatorOptions {
  nowMs: number;
  /** --horizontal-pod-autoscaler-tolerance. */
  tolerance: number;
  /** --horizontal-pod-autoscaler-cpu-initialization-period. */
  cpuInitializationPeriodMs: number;
  /** --horizontal-pod-autoscaler-initial-readiness-delay. */
  delayOfInitialReadinessStatusMs: number;
}

export const DEFAULT_CALCULATOR: Omit<CalculatorOptions, "nowMs"> = {
  tolerance: 0.1,
  cpuInitializationPeriodMs: 5 * 60_000,
  delayOfInitialReadinessStatusMs: 30_000,
};

export interface Proposal {
  replicas: number;
  /** Utilization targets: the average utilization in percent of the request. */
  utilization?: number;
  /** The average usage per pod (milli-units). */
  rawAverage: number;
  timestampMs: number;
}

export class CalculatorError extends Error {}

const quo = (a: number, b: number) => Math.trunc(a / b);
/** A quantity's MilliValue (requests, and targets such as averageValue "500Mi"). */
export function milliValue(q: unknown): number | undefined {
  const v = parseQuantity(q);
  return v === undefined ? undefined : Math.ceil(v * 1000 - 1e-9);
}
const time = (s: string | undefined) => (s ? Date.parse(s) : Number.NaN);

interface Groups {
  readyPodCount: number;
  unready: Set<string>;
  missing: Set<string>;
  ignored: Set<string>;
}

/** replica_calculator.go groupPods. */
export function groupPods(
  pods: readonly KubeObject[],
  metrics: PodMetrics,
  resource: Resource | "",
  o: CalculatorOptions,
): Groups {
  const g: Groups = { readyPodCount: 0, unready: new Set(), missing: new Set(), ignored: new Set() };
  for (const pod of pods) {
    const name = pod.metadata.name ?? "";
    const phase = podPhase(pod);
    if (isTerminating(pod) || phase === "Failed") {
      g.ignored.add(name);
      continue;
    }
    if (phase === "Pending") {
      g.unready.add(name);
      continue;
    }
    const metric = metrics.get(name);
    if (!metric) {
      g.missing.add(name);
      continue;
    }
    if (resource === "cpu") {
      const ready = findCondition(podStatus(pod).conditions, "Ready");
      const start = time(podStatus(pod).startTime);
      let unready: boolean;
      if (!ready || Number.isNaN(start)) unready = true;
      else {
        const transition = time(ready.lastTransitionTime);
        if (start + o.cpuInitializationPeriodMs > o.nowMs)
          // Still initializing: ignore the sample unless a full window was measured since it got ready.
          unready = ready.status === "False" || metric.timestampMs < transition + metric.windowMs;
        // Later, only a pod that has never been ready since it started is ignored.
        else unready = ready.status === "False" && start + o.delayOfInitialReadinessStatusMs > transition;
      }
      if (unready) {
        g.unready.add(name);
        continue;
      }
    }
    g.readyPodCount++;
  }
  return g;
}

/** calculatePodRequests: each pod's request (one container's, or the sum over its containers). */
export function podRequests(
  pods: readonly KubeObject[],
  container: string,
  resource: Resource,
): Map<string, number> {
  const out = new Map<string, number>();
  for (const pod of pods) {
    let sum = 0;
    let found = false;
    const containers = [
      ...(podSpec(pod).containers ?? []),
      ...(podSpec(pod).initContainers ?? []).filter((c) => c.restartPolicy === "Always"),
    ];
    for (const c of containers) {
      if (container !== "" && c.name !== container) continue;
      const request = milliValue(c.resources?.requests?.[resource]);
      if (request === undefined)
        throw new CalculatorError(
          `missing request for ${resource} in container ${c.name} of Pod ${pod.metadata.name}`,
        );
      sum += request;
      found = true;
    }
    if (container !== "" && !found)
      throw new CalculatorError(`container ${container} not found in Pod ${pod.metadata.name}`);
    out.set(pod.metadata.name ?? "", sum);
  }
  return out;
}

/** metrics.GetResourceUtilizationRatio. */
export function utilizationRatio(metrics: PodMetrics, requests: Map<string, number>, target: number) {
  let metricsTotal = 0;
  let requestsTotal = 0;
  let entries = 0;
  for (const [name, m] of metrics) {
    const request = requests.get(name);
    // Metrics of pods without a request are extraneous (missing requests are caught earlier).
    if (request === undefined) continue;
    metricsTotal += m.value;
    requestsTotal += request;
    entries++;
  }
  if (requestsTotal === 0) throw new CalculatorError("no metrics returned matched known pods");
  const utilization = quo(metricsTotal * 100, requestsTotal);
  return { ratio: utilization / target, utilization, rawAverage: quo(metricsTotal, entries) };
}

/** metrics.GetMetricUsageRatio. */
function usageRatio(metrics: PodMetrics, target: number) {
  let total = 0;
  for (const m of metrics.values()) total += m.value;
  const usage = quo(total, metrics.size);
  return { ratio: usage / target, usage };
}

const withoutPods = (metrics: PodMetrics, names: Set<string>) => {
  for (const n of names) metrics.delete(n);
};

/** The timestamp the metrics client reports: the first item's. */
const firstTimestamp = (metrics: PodMetrics) => metrics.values().next().value?.timestampMs ?? 0;

/**
 * What both calculators start from: the pods grouped, and the metrics of those that count (not
 * ignored, not unready); upstream's errors when there are no pods or no such metrics.
 */
function countedPods(
  pods: readonly KubeObject[],
  fetched: PodMetrics,
  resource: Resource,
  o: CalculatorOptions,
) {
  const metrics = new Map(fetched);
  const timestampMs = firstTimestamp(metrics);
  if (pods.length === 0)
    throw new CalculatorError("no pods returned by selector while calculating replica count");
  const g = groupPods(pods, metrics, resource, o);
  withoutPods(metrics, g.ignored);
  withoutPods(metrics, g.unready);
  if (metrics.size === 0)
    throw new CalculatorError("did not receive metrics for targeted pods (pods might be unready)");
  return { metrics, timestampMs, g };
}

/** GetResourceReplicas: a target utilization (percent of request). */
export function resourceReplicas(
  currentReplicas: number,
  targetUtilization: number,
  resource: Resource,
  container: string,
  pods: readonly KubeObject[],
  fetched: PodMetrics,
  o: CalculatorOptions,
): Proposal {
  const { metrics, timestampMs, g } = countedPods(pods, fetched, resource, o);
  const requests = podRequests(pods, container, resource);
  const first = utilizationRatio(metrics, requests, targetUtilization);
  const keep = {
    replicas: currentReplicas,
    utilization: first.utilization,
    rawAverage: first.rawAverage,
    timestampMs,
  };
  const scaleUpWithUnready = g.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= o.tolerance) return keep;
    return { ...keep, replicas: Math.ceil(first.ratio * g.readyPodCount) };
  }
  if (g.missing.size > 0 && first.ratio !== 1) {
    // Scale-down: missing pods count as using all of their request (or the target, when above
    // 100%); scale-up: nothing.
    const fallback = Math.max(100, targetUtilization);
    for (const name of g.missing)
      metrics.set(name, {
        timestampMs,
        windowMs: 0,
        value: first.ratio < 1 ? quo((requests.get(name) ?? 0) * fallback, 100) : 0,
      });
  }
  if (scaleUpWithUnready)
    for (const name of g.unready) metrics.set(name, { timestampMs, windowMs: 0, value: 0 });
  const next = utilizationRatio(metrics, requests, targetUtilization).ratio;
  if (Math.abs(1 - next) <= o.tolerance || (first.ratio < 1 && next > 1) || (first.ratio > 1 && next < 1))
    return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return keep;
  return { ...keep, replicas };
}

/** GetRawResourceReplicas / calcPlainMetricReplicas: a target average value per pod. */
export function rawResourceReplicas(
  currentReplicas: number,
  targetUsage: number,
  resource: Resource,
  pods: readonly KubeObject[],
  fetched: PodMetrics,
  o: CalculatorOptions,
): Proposal {
  const { metrics, timestampMs, g } = countedPods(pods, fetched, resource, o);
  const first = usageRatio(metrics, targetUsage);
  const keep = { replicas: currentReplicas, rawAverage: first.usage, timestampMs };
  const scaleUpWithUnready = g.unready.size > 0 && first.ratio > 1;
  if (!scaleUpWithUnready && g.missing.size === 0) {
    if (Math.abs(1 - first.ratio) <= o.tolerance) return keep;
    return { ...keep, replicas: Math.ceil(first.ratio * g.readyPodCount) };
  }
  if (g.missing.size > 0 && first.ratio !== 1)
    // Scale-down: missing pods use exactly the target; scale-up: nothing.
    for (const name of g.missing)
      metrics.set(name, { timestampMs, windowMs: 0, value: first.ratio < 1 ? targetUsage : 0 });
  if (scaleUpWithUnready)
    for (const name of g.unready) metrics.set(name, { timestampMs, windowMs: 0, value: 0 });
  const next = usageRatio(metrics, targetUsage).ratio;
  if (Math.abs(1 - next) <= o.tolerance || (first.ratio < 1 && next > 1) || (first.ratio > 1 && next < 1))
    return keep;
  const replicas = Math.ceil(next * metrics.size);
  if ((next < 1 && replicas > currentReplicas) || (next > 1 && replicas < currentReplicas)) return keep;
  return { ...keep, replicas };
}
