// Health of kinds whose status says it in conditions or a phase, as the member's controllers write
// them: Jobs (Complete/Failed, and from Kubernetes 1.31 SuccessCriteriaMet/FailureTarget, set
// before those), CustomResourceDefinitions (Established, NamesAccepted), Pods (phase and Ready),
// LoadBalancer Services (an ingress point assigned) and PVCs (Bound) — and every other kind,
// custom resources included, by the conventions operators follow (kstatus): a controller that has
// not seen the current generation says nothing yet; a `Ready` condition is the answer; `Stalled`
// means it gave up, `Reconciling` that it is still working; no such condition means nothing to wait for.
import type { KubeObject } from "../apis/meta/types.ts";
import type { ManifestStatus } from "./types.ts";

export type HealthView = Pick<
  ManifestStatus,
  "health" | "replicas" | "readyReplicas" | "availableReplicas" | "updatedReplicas" | "message"
>;

export interface Condition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  observedGeneration?: number;
}

export type Rec = Record<string, unknown>;

export function conditionsOf(status: Rec): Condition[] {
  return (Array.isArray(status.conditions) ? status.conditions : []).filter(
    (c): c is Condition => typeof c === "object" && c !== null,
  );
}

export function findCondition(status: Rec, type: string): Condition | undefined {
  return conditionsOf(status).find((c) => c.type === type);
}

/** "Reason: message" of a condition, for a status message. */
export function describe(c: Condition): string {
  return [c.reason, c.message].filter(Boolean).join(": ") || `${c.type}=${c.status}`;
}

export function jobHealth(status: Rec): HealthView {
  const isTrue = (type: string) => findCondition(status, type)?.status === "True";
  if (isTrue("Complete") || isTrue("SuccessCriteriaMet")) return { health: "Healthy" };
  const failed = [findCondition(status, "Failed"), findCondition(status, "FailureTarget")].find(
    (c) => c?.status === "True",
  );
  if (failed) return { health: "Unhealthy", message: describe(failed) };
  return { health: "Unknown" };
}

export function crdHealth(status: Rec): HealthView {
  const names = findCondition(status, "NamesAccepted");
  if (names?.status === "False") return { health: "Unhealthy", message: describe(names) };
  return { health: findCondition(status, "Established")?.status === "True" ? "Healthy" : "Unknown" };
}

export function podHealth(status: Rec): HealthView {
  switch (status.phase) {
    case "Succeeded":
      return { health: "Healthy" };
    case "Failed":
      return { health: "Unhealthy", ...(status.reason ? { message: String(status.reason) } : {}) };
    case "Running": {
      const ready = findCondition(status, "Ready");
      return ready?.status === "True" ? { health: "Healthy" } : { health: "Unhealthy", message: "not Ready" };
    }
    default:
      return { health: "Unknown" };
  }
}

export function serviceHealth(spec: Rec, status: Rec): HealthView {
  if (spec.type !== "LoadBalancer") return { health: "Healthy" };
  const lb = (status.loadBalancer ?? {}) as Rec;
  // Until a load-balancer controller (cloud provider, MetalLB, ...) assigns an address; a
  // cluster without one never does.
  return Array.isArray(lb.ingress) && lb.ingress.length > 0
    ? { health: "Healthy" }
    : { health: "Unknown", message: "waiting for a load balancer address" };
}

export function pvcHealth(status: Rec): HealthView {
  if (status.phase === "Bound") return { health: "Healthy" };
  if (status.phase === "Lost") return { health: "Unhealthy", message: "its PersistentVolume is lost" };
  // Pending: provisioning, or (WaitForFirstConsumer, kind's and k3s's default) until a Pod uses it.
  return { health: "Unknown" };
}

/** Any other kind (custom resources too): the kstatus conventions. */
export function genericHealth(live: KubeObject, status: Rec): HealthView {
  const generation = live.metadata.generation;
  const observed = typeof status.observedGeneration === "number" ? status.observedGeneration : undefined;
  if (typeof generation === "number" && observed !== undefined && observed < generation)
    return { health: "Unknown" };
  const ready = findCondition(status, "Ready");
  if (ready) {
    const stale =
      typeof generation === "number" &&
      typeof ready.observedGeneration === "number" &&
      ready.observedGeneration < generation;
    if (stale || (ready.status !== "True" && ready.status !== "False")) return { health: "Unknown" };
    return ready.status === "True"
      ? { health: "Healthy" }
      : { health: "Unhealthy", message: describe(ready) };
  }
  const stalled = findCondition(status, "Stalled");
  if (stalled?.status === "True") return { health: "Unhealthy", message: describe(stalled) };
  if (findCondition(status, "Reconciling")?.status === "True") return { health: "Unknown" };
  return { health: "Healthy" };
}
