// Health of an applied object, read from its live status (docs/propagation.md, "Member apply"):
// Deployments, StatefulSets and ReplicaSets are Healthy when their controller has seen the current
// generation and enough replicas are available; DaemonSets when every scheduled pod is available;
// Jobs when Complete; PVCs when Bound. Everything else is Healthy once applied. Unknown means the
// controller has not caught up with the latest change yet.
import type { KubeObject } from "../apis/meta/types.ts";
import type { ManifestStatus } from "./types.ts";

export type Health = NonNullable<ManifestStatus["health"]>;

export type HealthView = Pick<
  ManifestStatus,
  "health" | "replicas" | "readyReplicas" | "availableReplicas" | "updatedReplicas"
>;

interface Condition {
  type?: string;
  status?: string;
}

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

function observedCurrent(live: KubeObject, status: Record<string, unknown>): boolean {
  const generation = live.metadata.generation;
  if (typeof generation !== "number") return true;
  return typeof status.observedGeneration === "number" && status.observedGeneration >= generation;
}

export function healthOf(live: KubeObject): HealthView {
  const spec = (live.spec ?? {}) as Record<string, unknown>;
  const status = (live.status ?? {}) as Record<string, unknown>;
  const group = live.apiVersion.includes("/") ? live.apiVersion.split("/")[0] : "";
  switch (`${group}/${live.kind}`) {
    case "apps/Deployment":
    case "apps/ReplicaSet":
    case "apps/StatefulSet": {
      const desired = typeof spec.replicas === "number" ? spec.replicas : 1;
      const ready = num(status.readyReplicas);
      // StatefulSets before Kubernetes 1.22 report no availableReplicas: ready is the measure.
      const available =
        live.kind === "StatefulSet" && status.availableReplicas === undefined
          ? ready
          : num(status.availableReplicas);
      const updated = num(status.updatedReplicas);
      const view: HealthView = {
        replicas: num(status.replicas),
        readyReplicas: ready,
        availableReplicas: available,
        updatedReplicas: live.kind === "ReplicaSet" ? num(status.replicas) : updated,
      };
      if (!observedCurrent(live, status)) return { health: "Unknown", ...view };
      const rolledOut = live.kind === "ReplicaSet" || updated >= desired;
      return { health: available >= desired && rolledOut ? "Healthy" : "Unhealthy", ...view };
    }
    case "apps/DaemonSet": {
      const desired = num(status.desiredNumberScheduled);
      const view: HealthView = {
        replicas: desired,
        readyReplicas: num(status.numberReady),
        availableReplicas: num(status.numberAvailable),
        updatedReplicas: num(status.updatedNumberScheduled),
      };
      if (!observedCurrent(live, status) || status.desiredNumberScheduled === undefined)
        return { health: "Unknown", ...view };
      const ok = num(status.numberAvailable) >= desired && num(status.updatedNumberScheduled) >= desired;
      return { health: ok ? "Healthy" : "Unhealthy", ...view };
    }
    case "batch/Job": {
      const conditions = (Array.isArray(status.conditions) ? status.conditions : []) as Condition[];
      const is = (type: string) => conditions.some((c) => c.type === type && c.status === "True");
      if (is("Complete")) return { health: "Healthy" };
      if (is("Failed")) return { health: "Unhealthy" };
      return { health: "Unknown" };
    }
    case "/PersistentVolumeClaim":
      return {
        health: status.phase === "Bound" ? "Healthy" : status.phase === "Lost" ? "Unhealthy" : "Unknown",
      };
    default:
      return { health: "Healthy" };
  }
}

/** First early re-read after an apply that left objects not yet Healthy; doubled after each. */
export const FIRST_FOLLOW_UP_MS = 1000;

/**
 * Whether applied objects are still becoming Healthy (a new Deployment's pods starting): the agent
 * and the push syncer then re-read them sooner than the sync interval, so the hub sees a rollout
 * become available promptly.
 */
export function settling(statuses: readonly ManifestStatus[]): boolean {
  return statuses.some((s) => s.applied && s.health !== "Healthy");
}
