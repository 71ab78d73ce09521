// autoscaling/v1 <-> autoscaling/v2 HorizontalPodAutoscaler, as kube-apiserver converts them
// (pkg/apis/autoscaling/v1/conversion.go). v2 is the stored version. v1's
// targetCPUUtilizationPercentage is v2's Resource cpu Utilization metric and
// currentCPUUtilizationPercentage its current value; what v1 cannot express (other metrics, the
// raw current metrics, conditions, behavior) rides in Kubernetes' autoscaling.alpha annotations,
// so a v2 object read and written back through v1 loses nothing.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { VersionConversion } from "../resource-type.ts";

export const METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/metrics";
export const CURRENT_METRICS_ANNOTATION = "autoscaling.alpha.kubernetes.io/current-metrics";
export const CONDITIONS_ANNOTATION = "autoscaling.alpha.kubernetes.io/conditions";
export const BEHAVIOR_ANNOTATION = "autoscaling.alpha.kubernetes.io/behavior";
/** autoscaling.DefaultCPUUtilization: what an HPA without metrics targets. */
export const DEFAULT_CPU_UTILIZATION = 80;

const V1 = "autoscaling/v1";
const V2 = "autoscaling/v2";

type Rec = Record<string, unknown>;
const rec = (v: unknown): Rec => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Rec) : {});
const list = (v: unknown): Rec[] => (Array.isArray(v) ? v.map(rec) : []);

/** Drops undefined members, as Go's omitempty leaves them out of the JSON. */
function compact<T extends Rec>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

const isCpu = (m: Rec) => m.type === "Resource" && rec(m.resource).name === "cpu";

/** The v1 (v2beta1-shaped) form of a v2 MetricSpec, as kept in the metrics annotation. */
function specToV1(m: Rec): Rec {
  const target = (s: Rec) => rec(s.target);
  const metric = (s: Rec) => rec(s.metric);
  const out: Rec = { type: m.type };
  if (m.object) {
    const s = rec(m.object);
    out.object = compact({
      target: s.describedObject,
      metricName: metric(s).name,
      targetValue: target(s).value ?? "0",
      selector: metric(s).selector,
      averageValue: target(s).averageValue,
    });
  }
  if (m.pods) {
    const s = rec(m.pods);
    out.pods = compact({
      metricName: metric(s).name,
      targetAverageValue: target(s).averageValue ?? "0",
      selector: metric(s).selector,
    });
  }
  for (const k of ["resource", "containerResource"] as const)
    if (m[k]) {
      const s = rec(m[k]);
      out[k] = compact({
        name: s.name,
        container: s.container,
        targetAverageUtilization: target(s).averageUtilization,
        targetAverageValue: target(s).averageValue,
      });
    }
  if (m.external) {
    const s = rec(m.external);
    out.external = compact({
      metricName: metric(s).name,
      metricSelector: metric(s).selector,
      targetValue: target(s).value,
      targetAverageValue: target(s).averageValue,
    });
  }
  return out;
}

function specToV2(m: Rec): Rec {
  const out: Rec = { type: m.type };
  if (m.object) {
    const s = rec(m.object);
    out.object = {
      describedObject: s.target,
      target: compact({
        type: s.averageValue === undefined ? "Value" : "AverageValue",
        value: s.targetValue,
        averageValue: s.averageValue,
      }),
      metric: compact({ name: s.metricName, selector: s.selector }),
    };
  }
  if (m.pods) {
    const s = rec(m.pods);
    out.pods = {
      metric: compact({ name: s.metricName, selector: s.selector }),
      target: { type: "AverageValue", averageValue: s.targetAverageValue },
    };
  }
  for (const k of ["resource", "containerResource"] as const)
    if (m[k]) {
      const s = rec(m[k]);
      out[k] = compact({
        name: s.name,
        container: s.container,
        target: compact({
          type: s.targetAverageUtilization === undefined ? "AverageValue" : "Utilization",
          averageUtilization: s.targetAverageUtilization,
          averageValue: s.targetAverageValue,
        }),
      });
    }
  if (m.external) {
    const s = rec(m.external);
    out.external = {
      metric: compact({ name: s.metricName, selector: s.metricSelector }),
      target: compact({
        type: s.targetValue === undefined ? "AverageValue" : "Value",
        value: s.targetValue,
        averageValue: s.targetAverageValue,
      }),
    };
  }
  return out;
}

function statusToV1(m: Rec): Rec {
  const current = (s: Rec) => rec(s.current);
  const metric = (s: Rec) => rec(s.metric);
  const out: Rec = { type: m.type };
  if (m.object) {
    const s = rec(m.object);
    out.object = compact({
      target: s.describedObject,
      metricName: metric(s).name,
      currentValue: current(s).value ?? "0",
      selector: metric(s).selector,
      averageValue: current(s).averageValue,
    });
  }
  if (m.pods) {
    const s = rec(m.pods);
    out.pods = compact({
      metricName: metric(s).name,
      currentAverageValue: current(s).averageValue ?? "0",
      selector: metric(s).selector,
    });
  }
  for (const k of ["resource", "containerResource"] as const)
    if (m[k]) {
      const s = rec(m[k]);
      out[k] = compact({
        name: s.name,
        container: s.container,
        currentAverageUtilization: current(s).averageUtilization,
        currentAverageValue: current(s).averageValue ?? "0",
      });
    }
  if (m.external) {
    const s = rec(m.external);
    out.external = compact({
      metricName: metric(s).name,
      metricSelector: metric(s).selector,
      currentValue: current(s).value ?? "0",
      currentAverageValue: current(s).averageValue,
    });
  }
  return out;
}

function statusToV2(m: Rec): Rec {
  const out: Rec = { type: m.type };
  if (m.object) {
    const s = rec(m.object);
    out.object = {
      metric: compact({ name: s.metricName, selector: s.selector }),
      current: compact({ value: s.currentValue, averageValue: s.averageValue }),
      describedObject: s.target,
    };
  }
  if (m.pods) {
    const s = rec(m.pods);
    out.pods = {
      metric: compact({ name: s.metricName, selector: s.selector }),
      current: { averageValue: s.currentAverageValue },
    };
  }
  for (const k of ["resource", "containerResource"] as const)
    if (m[k]) {
      const s = rec(m[k]);
      out[k] = compact({
        name: s.name,
        container: s.container,
        current: compact({
          averageValue: s.currentAverageValue,
          averageUtilization: s.currentAverageUtilization,
        }),
      });
    }
  if (m.external) {
    const s = rec(m.external);
    out.external = {
      metric: compact({ name: s.metricName, selector: s.metricSelector }),
      current: compact({ value: s.currentValue, averageValue: s.currentAverageValue }),
    };
  }
  return out;
}

/** A stored (v2) HorizontalPodAutoscaler as autoscaling/v1 shows it. */
export function hpaToV1(obj: KubeObject): KubeObject {
  if (obj.apiVersion !== V2) return obj;
  const spec = rec(obj.spec);
  const status = rec(obj.status);
  const metrics = list(spec.metrics);
  const annotations: Record<string, string> = { ...obj.metadata.annotations };
  const others = metrics.filter(
    (m) => !(isCpu(m) && rec(rec(m.resource).target).averageUtilization !== undefined),
  );
  if (others.length > 0) annotations[METRICS_ANNOTATION] = JSON.stringify(others.map(specToV1));
  const currentMetrics = list(status.currentMetrics);
  if (currentMetrics.length > 0)
    annotations[CURRENT_METRICS_ANNOTATION] = JSON.stringify(currentMetrics.map(statusToV1));
  const conditions = list(status.conditions);
  if (conditions.length > 0) annotations[CONDITIONS_ANNOTATION] = JSON.stringify(conditions);
  if (spec.behavior !== undefined) annotations[BEHAVIOR_ANNOTATION] = JSON.stringify(spec.behavior);
  // Only the first cpu metric counts, as in Convert_autoscaling_HorizontalPodAutoscalerSpec_To_v1.
  const cpu = metrics.find(isCpu);
  const currentCpu = currentMetrics.filter(isCpu).map((m) => rec(rec(m.resource).current).averageUtilization);
  const { annotations: _a, ...meta } = obj.metadata;
  return {
    ...obj,
    apiVersion: V1,
    metadata: Object.keys(annotations).length > 0 ? { ...meta, annotations } : meta,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu ? rec(rec(cpu.resource).target).averageUtilization : undefined,
    }),
    // v1's replica counts are not omitempty: Go always writes them.
    status: compact({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
      currentCPUUtilizationPercentage: currentCpu.findLast((v) => v !== undefined),
    }),
  };
}

/** Takes an annotation's JSON out of `annotations`; malformed JSON is left where it is. */
function takeJson(annotations: Record<string, string>, key: string): unknown {
  const text = annotations[key];
  if (text === undefined) return undefined;
  try {
    const v = JSON.parse(text);
    delete annotations[key];
    return v;
  } catch {
    return undefined;
  }
}

const cpuUtilization = (averageUtilization: unknown): Rec => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization } },
});

/** An autoscaling/v1 HorizontalPodAutoscaler in the stored (v2) form. */
export function hpaToV2(obj: KubeObject): KubeObject {
  if (obj.apiVersion !== V1) return obj;
  const spec = rec(obj.spec);
  const status = rec(obj.status);
  const annotations: Record<string, string> = { ...obj.metadata.annotations };
  const cpu =
    spec.targetCPUUtilizationPercentage === undefined
      ? []
      : [cpuUtilization(spec.targetCPUUtilizationPercentage)];
  const others = takeJson(annotations, METRICS_ANNOTATION);
  let metrics = Array.isArray(others) ? [...list(others).map(specToV2), ...cpu] : cpu;
  // autoscaling/v1 once defaulted in the controller; v2 states the default explicitly.
  if (metrics.length === 0) metrics = [cpuUtilization(DEFAULT_CPU_UTILIZATION)];
  const current = takeJson(annotations, CURRENT_METRICS_ANNOTATION);
  const currentMetrics = Array.isArray(current)
    ? list(current).map(statusToV2)
    : status.currentCPUUtilizationPercentage === undefined
      ? undefined
      : [
          {
            type: "Resource",
            resource: {
              name: "cpu",
              current: { averageUtilization: status.currentCPUUtilizationPercentage },
            },
          },
        ];
  const conditions = takeJson(annotations, CONDITIONS_ANNOTATION);
  const behavior = takeJson(annotations, BEHAVIOR_ANNOTATION);
  const v2status = compact({
    observedGeneration: status.observedGeneration,
    lastScaleTime: status.lastScaleTime,
    currentReplicas: status.currentReplicas || undefined,
    desiredReplicas: status.desiredReplicas,
    currentMetrics,
    conditions: Array.isArray(conditions) ? conditions : undefined,
  });
  const { annotations: _a, ...meta } = obj.metadata;
  // A status that says nothing (v1's zero counts) is no status: v2 -> v1 -> v2 is then exact.
  const empty = Object.values(v2status).every((v) => v === undefined || v === 0);
  return compact({
    ...obj,
    apiVersion: V2,
    metadata: Object.keys(annotations).length > 0 ? { ...meta, annotations } : meta,
    spec: compact({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
      behavior,
    }),
    status: empty ? undefined : v2status,
  });
}

/** How the server serves autoscaling/v1 over v2 storage. */
export const hpaV1Conversion: VersionConversion = { toStorage: hpaToV2, fromStorage: hpaToV1 };
