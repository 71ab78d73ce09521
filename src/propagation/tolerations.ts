// Cluster taints against a policy's clusterTolerations, with Kubernetes' semantics
// (k8s.io/api/core/v1 Toleration.ToleratesTaint): operator Equal (the default) needs the same key
// and value, Exists only the key, and an empty key with Exists tolerates every taint; an empty
// effect matches every effect. As in Kubernetes and Karmada, NoSchedule keeps new placements
// off a cluster but leaves the ones already there, NoExecute also removes them (unless tolerated,
// and then only for tolerationSeconds after the taint was added), PreferNoSchedule filters
// nothing.
import type { Taint } from "./cluster-view.ts";

export interface Toleration {
  key?: string;
  operator?: "Equal" | "Exists";
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  const operator = t.operator ?? "Equal";
  if (!t.key) return operator === "Exists";
  if (t.key !== taint.key) return false;
  if (operator === "Exists") return true;
  return (t.value ?? "") === (taint.value ?? "");
}

export interface TaintVerdict {
  /** The first taint that keeps the placement off the cluster. */
  untolerated?: Taint;
  /** When a NoExecute toleration with tolerationSeconds runs out (ms since the epoch). */
  expiresAt?: number;
}

/**
 * Whether a placement may be on a cluster with these taints. `placed`: the placement is already
 * on the cluster (NoSchedule then does not remove it). `now` judges tolerationSeconds.
 */
export function judgeTaints(
  taints: readonly Taint[],
  tolerations: readonly Toleration[],
  opts: { placed: boolean; now: number },
): TaintVerdict {
  let expiresAt: number | undefined;
  for (const taint of taints) {
    if (taint.effect === "PreferNoSchedule") continue;
    if (taint.effect === "NoSchedule" && opts.placed) continue;
    const matching = tolerations.filter((t) => toleratesTaint(t, taint));
    if (matching.length === 0) return { untolerated: taint };
    if (taint.effect !== "NoExecute") continue;
    // Kubernetes: the longest matching tolerationSeconds applies; any match without one is forever.
    if (matching.some((t) => t.tolerationSeconds === undefined) || taint.timeAdded === undefined) continue;
    const until = taint.timeAdded + Math.max(...matching.map((t) => t.tolerationSeconds!)) * 1000;
    if (until <= opts.now) return { untolerated: taint };
    expiresAt = expiresAt === undefined ? until : Math.min(expiresAt, until);
  }
  return expiresAt === undefined ? {} : { expiresAt };
}

/** `{key=value:Effect}`, as Karmada and kubectl print a taint. */
export function formatTaint(t: Taint): string {
  return `{${t.key}${t.value ? `=${t.value}` : ""}:${t.effect}}`;
}
