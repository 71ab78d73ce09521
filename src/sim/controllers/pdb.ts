// PodDisruptionBudget shapes and the helpers the disruption controller and the eviction
// subresource share: which budgets cover a pod, and the DisruptionAllowed condition as
// component-helpers' UpdateDisruptionAllowedCondition and apimeta.SetStatusCondition keep it.
import type { KubeObject } from "../../apis/meta/types.ts";
import { now, selects, specOf, statusOf } from "./objects.ts";
import type { IntOrString, LabelSelectorSpec } from "./types.ts";

export interface PdbSpec {
  minAvailable?: IntOrString;
  maxUnavailable?: IntOrString;
  selector?: LabelSelectorSpec;
  unhealthyPodEvictionPolicy?: "IfHealthyBudget" | "AlwaysAllow";
}

/** metav1.Condition: message is required (""), observedGeneration optional. */
export interface PdbCondition {
  type: string;
  status: "True" | "False" | "Unknown";
  observedGeneration?: number;
  lastTransitionTime: string;
  reason: string;
  message: string;
}

export interface PdbStatus {
  observedGeneration?: number;
  disruptedPods?: Record<string, string>;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  conditions?: PdbCondition[];
}

export const DISRUPTION_ALLOWED = "DisruptionAllowed";
export const pdbSpec = (pdb: KubeObject) => specOf<PdbSpec>(pdb);
export const pdbStatus = (pdb: KubeObject) => statusOf<Partial<PdbStatus>>(pdb);

/** apimeta.SetStatusCondition: the transition time moves only when the status does. */
export function setStatusCondition(
  conditions: PdbCondition[] | undefined,
  next: PdbCondition,
): PdbCondition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, next];
  const old = list[i];
  list[i] = {
    ...next,
    lastTransitionTime: old.status === next.status ? old.lastTransitionTime : next.lastTransitionTime,
  };
  return list;
}

/** UpdateDisruptionAllowedCondition: True/SufficientPods while a disruption is allowed. */
export function withDisruptionAllowed(status: PdbStatus): PdbStatus {
  const allowed = status.disruptionsAllowed > 0;
  return {
    ...status,
    conditions: setStatusCondition(status.conditions, {
      type: DISRUPTION_ALLOWED,
      status: allowed ? "True" : "False",
      ...(status.observedGeneration ? { observedGeneration: status.observedGeneration } : {}),
      lastTransitionTime: now(),
      reason: allowed ? "SufficientPods" : "InsufficientPods",
      message: "",
    }),
  };
}

/** ConditionsAreUpToDate: the condition agrees with disruptionsAllowed for this generation. */
export function conditionsUpToDate(pdb: KubeObject): boolean {
  const s = pdbStatus(pdb);
  const c = s.conditions?.find((x) => x.type === DISRUPTION_ALLOWED);
  if (!c || (s.observedGeneration ?? 0) !== (pdb.metadata.generation ?? 0)) return false;
  return (s.disruptionsAllowed ?? 0) > 0
    ? c.status === "True" && c.reason === "SufficientPods"
    : c.status === "False" && c.reason === "InsufficientPods";
}

/**
 * The budgets that guard a pod, as the eviction subresource finds them: same namespace, and a
 * selector that is neither missing nor empty (those match nothing there).
 */
export function budgetsFor(pod: KubeObject, pdbs: KubeObject[]): KubeObject[] {
  return pdbs.filter((pdb) => {
    const sel = pdbSpec(pdb).selector;
    const empty =
      !sel || (Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0);
    return pdb.metadata.namespace === pod.metadata.namespace && !empty && selects(sel, pod);
  });
}
