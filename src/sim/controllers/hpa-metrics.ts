// One HPA's metrics → a replica proposal, as horizontal.go computeReplicasForMetrics does it:
// every metric proposes a count (the largest wins); a metric that cannot be computed yields a
// ScalingActive=False condition and a Warning event with upstream's reason
// (FailedGetResourceMetric, ...) and message chain ("failed to get cpu utilization: unable to
// get metrics for resource cpu: no metrics returned from resource metrics API"). Resource and
// ContainerResource metrics are read from the simulated metrics-server (metrics/usage.ts); no
// custom or external metrics API is installed, so Pods, Object and External metrics fail as
// they do on a cluster without one.
import type { KubeObject } from "../../apis/meta/types.ts";
import { milliQuantity } from "../metrics/format.ts";
import { milliUsage, podUsage, type UsageContext } from "../metrics/usage.ts";
import {
  type CalculatorOptions,
  milliValue,
  type PodMetrics,
  type Proposal,
  type Resource,
  rawResourceReplicas,
  resourceReplicas,
} from "./hpa-replicas.ts";

type Rec = Record<string, unknown>;

export interface MetricTarget {
  type?: string;
  averageUtilization?: number;
  averageValue?: string | number;
  value?: string | number;
}

export interface MetricSpec {
  type?: string;
  resource?: { name?: string; target?: MetricTarget };
  containerResource?: { name?: string; container?: string; target?: MetricTarget };
  pods?: { metric?: { name?: string } };
  object?: { metric?: { name?: string }; describedObject?: { kind?: string; name?: string } };
  external?: { metric?: { name?: string } };
}

export interface Condition {
  type: string;
  status: "True" | "False";
  reason: string;
  message: string;
}

export interface Warning {
  reason: string;
  message: string;
}

export interface MetricsOutcome {
  /** -1 when nothing could be computed (or some metric failed and the rest would scale down). */
  replicas: number;
  /** The metric that proposed `replicas`, e.g. "cpu resource utilization (percentage of request)". */
  metric: string;
  statuses: Rec[];
  /** ScalingActive as the metrics leave it. */
  condition: Condition;
  /** "invalid metrics (1 invalid out of 1), first error is: ..." when any failed. */
  error?: string;
}

export interface MetricsInput {
  metrics: MetricSpec[];
  namespace: string;
  specReplicas: number;
  /** The pods the target's selector matches. */
  pods: readonly KubeObject[];
  usage: UsageContext;
  calculator: CalculatorOptions;
  /** Records a Warning event on the HPA. */
  warn(w: Warning): void;
}

class MetricFailure extends Error {
  readonly condition: Condition;
  constructor(message: string, condition: Condition) {
    super(message);
    this.condition = condition;
  }
}

const NO_CUSTOM =
  "unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";
const NO_EXTERNAL =
  "unable to fetch metrics from external metrics API: no external metrics API (external.metrics.k8s.io) registered";

/** metricsClient.GetResourceMetric: pod name → usage, for the pods that have metrics. */
function fetchResource(input: MetricsInput, resource: Resource, container: string): PodMetrics {
  const out: PodMetrics = new Map();
  const now = input.calculator.nowMs;
  let any = false;
  for (const pod of input.pods) {
    const u = podUsage(pod, now, input.usage);
    if (!u) continue;
    any = true;
    const name = pod.metadata.name ?? "";
    if (container) {
      const c = u.containers.find((x) => x.name === container);
      if (!c)
        throw new Error(
          `unable to get metrics for resource ${resource}: failed to get container metrics: container ${container} not present in metrics for pod ${input.namespace}/${name}`,
        );
      out.set(name, { timestampMs: u.timestampMs, windowMs: u.windowMs, value: milliUsage(c, resource) });
    } else {
      const value = u.containers.reduce((sum, c) => sum + milliUsage(c, resource), 0);
      out.set(name, { timestampMs: u.timestampMs, windowMs: u.windowMs, value });
    }
  }
  if (!any)
    throw new Error(
      `unable to get metrics for resource ${resource}: no metrics returned from resource metrics API`,
    );
  return out;
}

/** getUnableComputeReplicaCountCondition: a Warning event and ScalingActive=False. */
function unable(input: MetricsInput, reason: string, message: string): Condition {
  input.warn({ reason, message });
  return {
    type: "ScalingActive",
    status: "False",
    reason,
    message: `the HPA was unable to compute the replica count: ${message}`,
  };
}

/** computeStatusForResourceMetricGeneric + its Resource / ContainerResource callers. */
function resourceMetric(
  input: MetricsInput,
  spec: MetricSpec,
): { proposal: Proposal; status: Rec; name: string } {
  const container = spec.type === "ContainerResource";
  const src = (container ? spec.containerResource : spec.resource) ?? {};
  const resource = String(src.name ?? "") as Resource;
  const containerName = container ? String(spec.containerResource?.container ?? "") : "";
  const target = src.target ?? {};
  const { calculator: o, specReplicas, pods } = input;
  const compute = (): { proposal: Proposal; current: Rec; name: string } => {
    if (target.averageValue !== undefined) {
      try {
        const goal = milliOf(target.averageValue);
        const metrics = fetchResource(input, resource, containerName);
        const proposal = rawResourceReplicas(specReplicas, goal, resource, pods, metrics, o);
        return {
          proposal,
          current: { averageValue: milliQuantity(proposal.rawAverage) },
          name: `${resource} resource`,
        };
      } catch (e) {
        throw new Error(`failed to get ${resource} usage: ${(e as Error).message}`);
      }
    }
    if (target.averageUtilization === undefined)
      throw new Error(
        "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set",
      );
    try {
      const metrics = fetchResource(input, resource, containerName);
      const goal = target.averageUtilization;
      const proposal = resourceReplicas(specReplicas, goal, resource, containerName, pods, metrics, o);
      const current = {
        averageUtilization: proposal.utilization,
        averageValue: milliQuantity(proposal.rawAverage),
      };
      const what = container ? "container resource" : "resource";
      return { proposal, current, name: `${resource} ${what} utilization (percentage of request)` };
    } catch (e) {
      throw new Error(`failed to get ${resource} utilization: ${(e as Error).message}`);
    }
  };
  try {
    const r = compute();
    return { proposal: r.proposal, status: statusOf(spec, src, r.current), name: r.name };
  } catch (e) {
    const message = (e as Error).message;
    const [reason, wrap] = container
      ? ["FailedGetContainerResourceMetric", `failed to get ${containerName} container metric value`]
      : ["FailedGetResourceMetric", `failed to get ${resource} resource metric value`];
    throw new MetricFailure(`${wrap}: ${message}`, unable(input, reason, message));
  }
}

function statusOf(spec: MetricSpec, src: { name?: string; container?: string }, current: Rec): Rec {
  return spec.type === "ContainerResource"
    ? { type: spec.type, containerResource: { name: src.name, container: src.container, current } }
    : { type: spec.type, resource: { name: src.name, current } };
}

/** What a metric needing a custom or external metrics API gets on a cluster without one. */
function unservedMetric(input: MetricsInput, spec: MetricSpec): never {
  switch (spec.type) {
    case "Pods": {
      const message = `unable to get metric ${spec.pods?.metric?.name ?? ""}: ${NO_CUSTOM}`;
      throw new MetricFailure(
        `failed to get pods metric value: ${message}`,
        unable(input, "FailedGetPodsMetric", message),
      );
    }
    case "Object": {
      const o = spec.object ?? {};
      const message = `unable to get metric ${o.metric?.name ?? ""}: ${o.describedObject?.kind ?? ""} on ${input.namespace} ${o.describedObject?.name ?? ""}/${NO_CUSTOM}`;
      throw new MetricFailure(
        `failed to get object metric value: ${message}`,
        unable(input, "FailedGetObjectMetric", message),
      );
    }
    case "External": {
      const name = spec.external?.metric?.name ?? "";
      const message = `unable to get external metric ${input.namespace}/${name}: ${NO_EXTERNAL}`;
      throw new MetricFailure(
        `failed to get ${name} external metric value: ${message}`,
        unable(input, "FailedGetExternalMetric", message),
      );
    }
    default: {
      const message = `unknown metric source type "${spec.type ?? ""}"`;
      throw new MetricFailure(message, unable(input, "InvalidMetricSourceType", message));
    }
  }
}

/** computeReplicasForMetrics, after the selector was validated. */
export function replicasForMetrics(input: MetricsInput): MetricsOutcome {
  const statuses: Rec[] = input.metrics.map(() => ({ type: "" }));
  let replicas = 0;
  let metric = "";
  let invalid = 0;
  let firstError: MetricFailure | undefined;
  input.metrics.forEach((spec, i) => {
    try {
      if (spec.type !== "Resource" && spec.type !== "ContainerResource") unservedMetric(input, spec);
      const r = resourceMetric(input, spec);
      statuses[i] = r.status;
      if (replicas === 0 || r.proposal.replicas > replicas) {
        replicas = r.proposal.replicas;
        metric = r.name;
      }
    } catch (e) {
      if (!(e instanceof MetricFailure)) throw e;
      firstError ??= e;
      invalid++;
    }
  });
  const error = firstError
    ? `invalid metrics (${invalid} invalid out of ${input.metrics.length}), first error is: ${firstError.message}`
    : undefined;
  if (firstError && (invalid >= input.metrics.length || replicas < input.specReplicas))
    return { replicas: -1, metric: "", statuses, condition: firstError.condition, error };
  return {
    replicas,
    metric,
    statuses,
    condition: {
      type: "ScalingActive",
      status: "True",
      reason: "ValidMetricFound",
      message: `the HPA was able to successfully calculate a replica count from ${metric}`,
    },
    error,
  };
}

function milliOf(q: string | number): number {
  const v = milliValue(q);
  if (v === undefined) throw new Error(`quantities must match the regular expression: "${q}"`);
  return v;
}
