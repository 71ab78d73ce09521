// Deployment arithmetic, ported from Kubernetes' deploymentutil and the deployment controller's
// rolling.go/progress.go: surge and unavailability fenceposts, how far the new ReplicaSet may
// grow, the Deployment status computed from its ReplicaSets, and the Available/Progressing
// conditions `kubectl rollout status` waits on.
import type { KubeObject } from "../../apis/meta/types.ts";
import { findCondition, now, omitZero, scaledValue, specOf, statusOf } from "./objects.ts";
import type { Condition, IntOrString, LabelSelectorSpec, PodTemplate } from "./types.ts";

export const REVISION = "deployment.kubernetes.io/revision";
export const DESIRED_REPLICAS = "deployment.kubernetes.io/desired-replicas";
export const MAX_REPLICAS = "deployment.kubernetes.io/max-replicas";
export const HASH_LABEL = "pod-template-hash";

export interface DeploymentSpec {
  replicas?: number;
  selector?: LabelSelectorSpec;
  template?: PodTemplate;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: IntOrString; maxUnavailable?: IntOrString } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  paused?: boolean;
}

export interface DeploymentStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  collisionCount?: number;
  conditions?: Condition[];
}

interface RsStatus {
  replicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
}

export const deploymentSpec = (d: KubeObject) => specOf<DeploymentSpec>(d);
export const desiredReplicas = (d: KubeObject) => deploymentSpec(d).replicas ?? 1;
export const isRecreate = (d: KubeObject) => deploymentSpec(d).strategy?.type === "Recreate";
export const rsReplicas = (rs: KubeObject) => specOf<{ replicas?: number }>(rs).replicas ?? 1;
const rsStatus = (rs: KubeObject) => statusOf<RsStatus>(rs);
export const revisionOf = (o: KubeObject) => Number(o.metadata.annotations?.[REVISION] ?? 0) || 0;

const sum = (rss: KubeObject[], f: (rs: KubeObject) => number | undefined) =>
  rss.reduce((n, rs) => n + (f(rs) ?? 0), 0);
export const specReplicas = (rss: KubeObject[]) => sum(rss, rsReplicas);
export const actualReplicas = (rss: KubeObject[]) => sum(rss, (rs) => rsStatus(rs).replicas);
export const availableReplicas = (rss: KubeObject[]) => sum(rss, (rs) => rsStatus(rs).availableReplicas);

/** deploymentutil.ResolveFenceposts: [maxSurge, maxUnavailable]; both 0 would deadlock, so 1 unavailable. */
export function fenceposts(d: KubeObject): [number, number] {
  const ru = deploymentSpec(d).strategy?.rollingUpdate;
  const replicas = desiredReplicas(d);
  const surge = scaledValue(ru?.maxSurge, replicas, true, "25%");
  const unavailable = scaledValue(ru?.maxUnavailable, replicas, false, "25%");
  return surge === 0 && unavailable === 0 ? [0, 1] : [surge, unavailable];
}

export function maxUnavailable(d: KubeObject): number {
  const replicas = desiredReplicas(d);
  if (isRecreate(d) || replicas === 0) return 0;
  return Math.min(fenceposts(d)[1], replicas);
}

/** deploymentutil.NewRSNewReplicas for RollingUpdate: grow the new ReplicaSet within maxSurge. */
export function newRSNewReplicas(d: KubeObject, all: KubeObject[], newRS: KubeObject): number {
  if (isRecreate(d)) return desiredReplicas(d);
  const replicas = desiredReplicas(d);
  const maxTotal = replicas + fenceposts(d)[0];
  const current = specReplicas(all);
  if (current >= maxTotal) return rsReplicas(newRS);
  return rsReplicas(newRS) + Math.max(0, Math.min(maxTotal - current, replicas - rsReplicas(newRS)));
}

/** The controller's calculateStatus, conditions aside from Available carried over. */
export function calculateStatus(
  d: KubeObject,
  all: KubeObject[],
  newRS: KubeObject | undefined,
): DeploymentStatus {
  const available = availableReplicas(all);
  const old = statusOf<DeploymentStatus>(d);
  const status: DeploymentStatus = omitZero({
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicas(all),
    updatedReplicas: newRS ? (rsStatus(newRS).replicas ?? 0) : 0,
    readyReplicas: sum(all, (rs) => rsStatus(rs).readyReplicas),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, specReplicas(all) - available),
    collisionCount: old.collisionCount ?? 0,
  }) as DeploymentStatus;
  status.conditions = old.conditions ?? [];
  const minAvailable = desiredReplicas(d) - maxUnavailable(d);
  status.conditions =
    available >= minAvailable
      ? setDeploymentCondition(
          status.conditions,
          "Available",
          "True",
          "MinimumReplicasAvailable",
          "Deployment has minimum availability.",
        )
      : setDeploymentCondition(
          status.conditions,
          "Available",
          "False",
          "MinimumReplicasUnavailable",
          "Deployment does not have minimum availability.",
        );
  return status;
}

/** deploymentutil.SetDeploymentCondition: unchanged status and reason leave the condition alone. */
export function setDeploymentCondition(
  conditions: Condition[],
  type: string,
  status: Condition["status"],
  reason: string,
  message: string,
): Condition[] {
  const current = findCondition(conditions, type);
  if (current && current.status === status && current.reason === reason) return conditions;
  const at = now();
  const next: Condition = {
    type,
    status,
    lastUpdateTime: at,
    lastTransitionTime: current?.status === status ? (current.lastTransitionTime ?? at) : at,
    reason,
    message,
  };
  return [...conditions.filter((c) => c.type !== type), next];
}

/** deploymentutil.DeploymentComplete. */
export function isComplete(d: KubeObject, s: DeploymentStatus): boolean {
  const replicas = desiredReplicas(d);
  return (
    (s.updatedReplicas ?? 0) === replicas &&
    (s.replicas ?? 0) === replicas &&
    (s.availableReplicas ?? 0) === replicas &&
    (s.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}

/** deploymentutil.DeploymentProgressing: any step forward since the stored status. */
export function madeProgress(d: KubeObject, s: DeploymentStatus): boolean {
  const o = statusOf<DeploymentStatus>(d);
  const oldOld = (o.replicas ?? 0) - (o.updatedReplicas ?? 0);
  const newOld = (s.replicas ?? 0) - (s.updatedReplicas ?? 0);
  return (
    (s.updatedReplicas ?? 0) > (o.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (s.readyReplicas ?? 0) > (o.readyReplicas ?? 0) ||
    (s.availableReplicas ?? 0) > (o.availableReplicas ?? 0)
  );
}

/**
 * syncRolloutStatus's Progressing condition. Returns the conditions and, while the rollout is
 * under way, how long until the progress deadline passes (to check it then).
 */
export function progressing(
  d: KubeObject,
  s: DeploymentStatus,
  newRS: KubeObject | undefined,
): { conditions: Condition[]; recheckMs?: number } {
  const conditions = s.conditions ?? [];
  const spec = deploymentSpec(d);
  const deadline = spec.progressDeadlineSeconds ?? 600;
  const current = findCondition(conditions, "Progressing");
  const rsName = newRS?.metadata.name ?? "";
  if (spec.paused)
    return {
      conditions: setDeploymentCondition(
        conditions,
        "Progressing",
        "Unknown",
        "DeploymentPaused",
        "Deployment is paused",
      ),
    };
  if (current?.reason === "DeploymentPaused")
    return {
      conditions: setDeploymentCondition(
        conditions,
        "Progressing",
        "Unknown",
        "DeploymentResumed",
        "Deployment is resumed",
      ),
    };
  if (newRS && isComplete(d, s))
    return {
      conditions: setDeploymentCondition(
        conditions,
        "Progressing",
        "True",
        "NewReplicaSetAvailable",
        `ReplicaSet "${rsName}" has successfully progressed.`,
      ),
    };
  if (newRS && madeProgress(d, s)) {
    const at = now();
    const next: Condition = {
      type: "Progressing",
      status: "True",
      lastUpdateTime: at,
      lastTransitionTime: current?.status === "True" ? (current.lastTransitionTime ?? at) : at,
      reason: "ReplicaSetUpdated",
      message: `ReplicaSet "${rsName}" is progressing.`,
    };
    return {
      conditions: [...conditions.filter((c) => c.type !== "Progressing"), next],
      recheckMs: deadline * 1000,
    };
  }
  const since = Date.parse(current?.lastUpdateTime ?? "");
  const settled = ["ProgressDeadlineExceeded", "NewReplicaSetAvailable"];
  if (current && !settled.includes(current.reason ?? "") && !Number.isNaN(since)) {
    const left = since + deadline * 1000 - Date.now();
    if (left <= 0)
      return {
        conditions: setDeploymentCondition(
          conditions,
          "Progressing",
          "False",
          "ProgressDeadlineExceeded",
          `ReplicaSet "${rsName}" has timed out progressing.`,
        ),
      };
    return { conditions, recheckMs: left };
  }
  return { conditions };
}

/** The status syncRolloutStatus writes; `created`: the new ReplicaSet was created just now. */
export function rolloutStatus(
  d: KubeObject,
  rss: KubeObject[],
  newRS: KubeObject | undefined,
  created: boolean,
): { status: DeploymentStatus; recheckMs?: number } {
  const status = calculateStatus(d, rss, newRS);
  if (created && newRS)
    status.conditions = setDeploymentCondition(
      status.conditions ?? [],
      "Progressing",
      "True",
      "NewReplicaSetCreated",
      `Created new replica set "${newRS.metadata.name}"`,
    );
  const p = progressing(d, status, newRS);
  return { status: { ...status, conditions: p.conditions }, recheckMs: p.recheckMs };
}
