// Health of an applied object, read from its live status as the member's controllers write it
// (docs/propagation.md, "Member apply"), the way `kubectl rollout status` judges workloads:
// Deployments once the current generation is observed, every replica is updated and available
// and no old one is left (a Progressing condition with ProgressDeadlineExceeded is Unhealthy);
// StatefulSets once ready and rolled out (updateRevision reached currentRevision, or the pods
// above a partition are updated; OnDelete waits for nobody); DaemonSets once every scheduled pod
// is updated (unless OnDelete) and available. Other kinds: src/member-apply/health-conditions.ts.
// Unknown means the controller has not caught up with the latest change yet; an object being
// deleted in the member is Unknown whatever its status says.
import type { KubeObject } from "../apis/meta/types.ts";
import {
  crdHealth,
  describe,
  findCondition,
  genericHealth,
  type HealthView,
  jobHealth,
  podHealth,
  pvcHealth,
  type Rec,
  serviceHealth,
} from "./health-conditions.ts";
import type { ManifestStatus } from "./types.ts";

export type { HealthView } from "./health-conditions.ts";
export type Health = NonNullable<ManifestStatus["health"]>;

const num = (v: unknown): number => (typeof v === "number" && Number.isFinite(v) ? v : 0);

function observedCurrent(live: KubeObject, status: Rec): boolean {
  const generation = live.metadata.generation;
  if (typeof generation !== "number") return true;
  return typeof status.observedGeneration === "number" && status.observedGeneration >= generation;
}

export function healthOf(live: KubeObject): HealthView {
  const spec = (live.spec ?? {}) as Rec;
  const status = (live.status ?? {}) as Rec;
  const view = byKind(live, spec, status);
  if (!live.metadata.deletionTimestamp) return view;
  const finalizers = live.metadata.finalizers ?? [];
  return {
    ...view,
    health: "Unknown",
    message: `being deleted in the member${finalizers.length ? ` (waiting for finalizers ${finalizers.join(", ")})` : ""}`,
  };
}

function byKind(live: KubeObject, spec: Rec, status: Rec): HealthView {
  const group = live.apiVersion.includes("/") ? live.apiVersion.split("/")[0] : "";
  switch (`${group}/${live.kind}`) {
    case "apps/Deployment":
      return deploymentHealth(live, spec, status);
    case "apps/ReplicaSet": {
      const desired = typeof spec.replicas === "number" ? spec.replicas : 1;
      const view: HealthView = {
        replicas: num(status.replicas),
        readyReplicas: num(status.readyReplicas),
        availableReplicas: num(status.availableReplicas),
        updatedReplicas: num(status.replicas),
      };
      if (!observedCurrent(live, status)) return { health: "Unknown", ...view };
      return { health: num(status.availableReplicas) >= desired ? "Healthy" : "Unhealthy", ...view };
    }
    case "apps/StatefulSet":
      return statefulSetHealth(live, spec, status);
    case "apps/DaemonSet":
      return daemonSetHealth(live, spec, status);
    case "batch/Job":
      return jobHealth(status);
    case "apiextensions.k8s.io/CustomResourceDefinition":
      return crdHealth(status);
    case "/Pod":
      return podHealth(status);
    case "/Service":
      return serviceHealth(spec, status);
    case "/PersistentVolumeClaim":
      return pvcHealth(status);
    default:
      return genericHealth(live, status);
  }
}

function deploymentHealth(live: KubeObject, spec: Rec, status: Rec): HealthView {
  const desired = typeof spec.replicas === "number" ? spec.replicas : 1;
  const view: HealthView = {
    replicas: num(status.replicas),
    readyReplicas: num(status.readyReplicas),
    availableReplicas: num(status.availableReplicas),
    updatedReplicas: num(status.updatedReplicas),
  };
  if (!observedCurrent(live, status)) return { health: "Unknown", ...view };
  const progressing = findCondition(status, "Progressing");
  if (progressing?.status === "False" && progressing.reason === "ProgressDeadlineExceeded")
    return { health: "Unhealthy", ...view, message: describe(progressing) };
  const updated = num(status.updatedReplicas);
  // More replicas than updated ones: old ones are still there (surge, or pending termination).
  const rolledOut = updated >= desired && num(status.replicas) <= updated;
  return { health: rolledOut && num(status.availableReplicas) >= desired ? "Healthy" : "Unhealthy", ...view };
}

function statefulSetHealth(live: KubeObject, spec: Rec, status: Rec): HealthView {
  const desired = typeof spec.replicas === "number" ? spec.replicas : 1;
  const ready = num(status.readyReplicas);
  const updated = num(status.updatedReplicas);
  // availableReplicas counts minReadySeconds; absent before Kubernetes 1.22.
  const available = status.availableReplicas === undefined ? ready : num(status.availableReplicas);
  const view: HealthView = {
    replicas: num(status.replicas),
    readyReplicas: ready,
    availableReplicas: available,
    updatedReplicas: updated,
  };
  if (!observedCurrent(live, status)) return { health: "Unknown", ...view };
  if (available < desired) return { health: "Unhealthy", ...view };
  const strategy = (spec.updateStrategy ?? {}) as Rec;
  if (strategy.type === "OnDelete") return { health: "Healthy", ...view };
  const partition = num(((strategy.rollingUpdate ?? {}) as Rec).partition);
  let rolledOut: boolean;
  if (partition > 0) rolledOut = updated >= desired - partition;
  else if (typeof status.updateRevision === "string" && typeof status.currentRevision === "string")
    rolledOut = status.updateRevision === status.currentRevision;
  else rolledOut = updated >= desired;
  return { health: rolledOut ? "Healthy" : "Unhealthy", ...view };
}

function daemonSetHealth(live: KubeObject, spec: Rec, status: Rec): HealthView {
  const desired = num(status.desiredNumberScheduled);
  const view: HealthView = {
    replicas: desired,
    readyReplicas: num(status.numberReady),
    availableReplicas: num(status.numberAvailable),
    updatedReplicas: num(status.updatedNumberScheduled),
  };
  if (!observedCurrent(live, status) || status.desiredNumberScheduled === undefined)
    return { health: "Unknown", ...view };
  const onDelete = ((spec.updateStrategy ?? {}) as Rec).type === "OnDelete";
  const ok =
    num(status.numberAvailable) >= desired && (onDelete || num(status.updatedNumberScheduled) >= desired);
  return { health: ok ? "Healthy" : "Unhealthy", ...view };
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
