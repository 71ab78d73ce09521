// Kubernetes-style conditions on a Cluster's status: setting one keeps its lastTransitionTime
// unless the status actually changes (so a heartbeat every 10 s does not churn it), and reports
// the transitions so the caller can record an Event for each.

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: string;
  status: ConditionStatus;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  observedGeneration?: number;
}

/** What a controller wants a condition to be; the time and generation are filled in. */
export interface ConditionUpdate {
  type: string;
  status: ConditionStatus;
  reason: string;
  message: string;
}

export interface Transition {
  type: string;
  /** undefined when the condition did not exist before. */
  from?: ConditionStatus;
  to: ConditionStatus;
  reason: string;
  message: string;
}

export const READY = "Ready";
export const REACHABLE = "Reachable";

export const Reasons = {
  ClusterReady: "ClusterReady",
  ClusterReachable: "ClusterReachable",
  /** Pull mode: the agent stopped sending heartbeats. */
  ClusterStatusUnknown: "ClusterStatusUnknown",
  /** Push mode: the hub could not poll the member. */
  ClusterUnreachable: "ClusterUnreachable",
} as const;

/**
 * Applies updates to a condition list (returned as a new array, in a stable order). `changed`
 * says whether anything differs at all, so callers can skip a write.
 */
export function applyConditions(
  current: Condition[] | undefined,
  updates: ConditionUpdate[],
  now: string,
  generation?: number,
): { conditions: Condition[]; transitions: Transition[]; changed: boolean } {
  const conditions = (current ?? []).map((c) => ({ ...c }));
  const transitions: Transition[] = [];
  let changed = false;
  for (const u of updates) {
    const i = conditions.findIndex((c) => c.type === u.type);
    const old = i >= 0 ? conditions[i] : undefined;
    const flipped = old?.status !== u.status;
    const next: Condition = {
      type: u.type,
      status: u.status,
      reason: u.reason,
      message: u.message,
      lastTransitionTime: flipped || !old?.lastTransitionTime ? now : old.lastTransitionTime,
      ...(generation !== undefined ? { observedGeneration: generation } : {}),
    };
    if (flipped)
      transitions.push({
        type: u.type,
        from: old?.status,
        to: u.status,
        reason: u.reason,
        message: u.message,
      });
    if (!old || !sameCondition(old, next)) changed = true;
    if (i >= 0) conditions[i] = next;
    else conditions.push(next);
  }
  return { conditions, transitions, changed };
}

export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

function sameCondition(a: Condition, b: Condition): boolean {
  return (
    a.status === b.status &&
    a.reason === b.reason &&
    a.message === b.message &&
    a.lastTransitionTime === b.lastTransitionTime &&
    a.observedGeneration === b.observedGeneration
  );
}
