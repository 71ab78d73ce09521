// The HorizontalPodAutoscaler printer (autoscaling/v2 and v1, which is printed as its v2 form):
// REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS, AGE, with TARGETS as kubectl shows them
// ("cpu: <unknown>/80%", "memory: 300Mi/500Mi", "... + 1 more...").
import type { KubeObject } from "../../../apis/meta/types.ts";
import { hpaToV2 } from "../../resources/conversion/hpa.ts";
import { AGE_COLUMN, age, column, get, list, NAME_COLUMN, num, type Obj, str } from "../cells.ts";
import type { Printer, PrinterEntry } from "../types.ts";

const MAX_TARGETS = 2;

/** A quantity (or an integer value) as resource.Quantity.String() prints it. */
const quantity = (v: unknown) => (v === undefined || v === null ? "0" : String(v));

/** formatHPAMetrics, one spec (and the status at the same index). */
function target(spec: Obj, status: Obj | undefined): string {
  const unknown = "<unknown>";
  const current = (path: string) =>
    status && get(status, path) !== undefined ? quantity(get(status, path)) : unknown;
  switch (spec.type) {
    case "External":
    case "Object": {
      const key = spec.type === "External" ? "external" : "object";
      const avg = get(spec, `${key}.target.averageValue`);
      if (avg !== undefined) return `${current(`${key}.current.averageValue`)}/${quantity(avg)} (avg)`;
      const value = status?.[key] ? quantity(get(status, `${key}.current.value`)) : unknown;
      return `${value}/${quantity(get(spec, `${key}.target.value`))}`;
    }
    case "Pods": {
      const value = status?.pods ? quantity(get(status, "pods.current.averageValue")) : unknown;
      return `${value}/${quantity(get(spec, "pods.target.averageValue"))}`;
    }
    case "Resource":
    case "ContainerResource": {
      const key = spec.type === "Resource" ? "resource" : "containerResource";
      const name = str(spec, `${key}.name`);
      const avg = get(spec, `${key}.target.averageValue`);
      if (avg !== undefined) {
        const value = status?.[key] ? quantity(get(status, `${key}.current.averageValue`)) : unknown;
        return `${name}: ${value}/${quantity(avg)}`;
      }
      const used = get(status ?? {}, `${key}.current.averageUtilization`);
      const goal = get(spec, `${key}.target.averageUtilization`);
      return `${name}: ${typeof used === "number" ? `${used}%` : unknown}/${typeof goal === "number" ? `${goal}%` : "<auto>"}`;
    }
    default:
      return "<unknown type>";
  }
}

export function hpaTargets(hpa: KubeObject): string {
  const specs = list(hpa, "spec.metrics");
  if (specs.length === 0) return "<none>";
  const statuses = list(hpa, "status.currentMetrics");
  const all = specs.map((s, i) => target(s, statuses[i]));
  const shown = all.slice(0, MAX_TARGETS).join(", ");
  return all.length > MAX_TARGETS ? `${shown} + ${all.length - MAX_TARGETS} more...` : shown;
}

const horizontalPodAutoscaler: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      "Reference",
      "scaleTargetRef points to the target resource to scale, and is used to the pods for which metrics should be collected, as well as to actually change the replica count.",
    ),
    column(
      "Targets",
      "metrics contains the specifications for which to use to calculate the desired replica count (the maximum replica count across all metrics will be used).",
    ),
    column(
      "MinPods",
      "minReplicas is the lower limit for the number of replicas to which the autoscaler can scale down.  It defaults to 1 pod.",
    ),
    column(
      "MaxPods",
      "maxReplicas is the upper limit for the number of replicas to which the autoscaler can scale up. It cannot be less that minReplicas.",
    ),
    column(
      "Replicas",
      "currentReplicas is current number of replicas of pods managed by this autoscaler, as last seen by the autoscaler.",
    ),
    AGE_COLUMN,
  ],
  cells: (obj, ctx) => {
    const o = hpaToV2(obj);
    const min = get(o, "spec.minReplicas");
    return [
      o.metadata.name ?? "",
      `${str(o, "spec.scaleTargetRef.kind")}/${str(o, "spec.scaleTargetRef.name")}`,
      hpaTargets(o),
      typeof min === "number" ? String(min) : "<unset>",
      num(o, "spec.maxReplicas"),
      num(o, "status.currentReplicas"),
      age(o, ctx),
    ];
  },
};

export const autoscalingPrinters: PrinterEntry[] = [
  { group: "autoscaling", kind: "HorizontalPodAutoscaler", printer: horizontalPodAutoscaler },
];
