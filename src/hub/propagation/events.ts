// The Events propagation records at the hub, with Karmada's reasons, on the template (what
// `kubectl describe` and `mcpctl describe` of it show) and on its ResourceBinding. Pure: the
// scheduler and the status controller decide when (transitions of what they store, so a hub
// restart or a rewrite without change records nothing) and hand these to an EventRecorder.
//
// Cost is per binding transition, never per cluster per write: a failure common to many clusters
// is one event naming the first few, at most MAX_FAILURE_GROUPS different failures are told
// apart per transition and the rest folded into one, and cluster lists in messages are cut.
import type { KubeObject } from "../../apis/meta/types.ts";
import { sameJson } from "../../apiserver/handlers/prepare.ts";
import type { ObjectRef } from "../../propagation/binding.ts";
import { bindingSpec } from "../../propagation/binding-spec.ts";
import type { TargetCluster } from "../../propagation/replicas.ts";
import type { ScheduledCondition } from "../../propagation/schedule.ts";
import { type Condition, type ConditionUpdate, findCondition } from "../clusters/conditions.ts";
import type { EventInput } from "../events/recorder.ts";

export const SCHEDULE_SUCCEEDED = "ScheduleBindingSucceed";
export const SCHEDULE_FAILED = "ScheduleBindingFailed";
export const APPLY_POLICY_SUCCEEDED = "ApplyPolicySucceed";
export const APPLY_POLICY_FAILED = "ApplyPolicyFailed";
export const SYNC_FAILED = "SyncFailed";
export const APPLY_OVERRIDE_FAILED = "ApplyOverridePolicyFailed";
export const AGGREGATE_STATUS_SUCCEEDED = "AggregateStatusSucceed";

/** Clusters named in one message; the rest are counted. */
const MAX_NAMED_CLUSTERS = 10;
/** Different failures told apart in one status transition. */
export const MAX_FAILURE_GROUPS = 3;

type Involved = EventInput["involved"];

/** The template as an event's involved object (uid included: events follow one incarnation). */
export function templateObject(ref: ObjectRef): Involved {
  return {
    apiVersion: ref.apiVersion,
    kind: ref.kind,
    metadata: {
      name: ref.name,
      ...(ref.namespace ? { namespace: ref.namespace } : {}),
      ...(ref.uid ? { uid: ref.uid } : {}),
    },
  };
}

function onBoth(
  template: ObjectRef,
  binding: KubeObject | undefined,
  event: Omit<EventInput, "involved">,
): EventInput[] {
  const out: EventInput[] = [{ ...event, involved: templateObject(template) }];
  if (binding) out.push({ ...event, involved: binding });
  return out;
}

/** "a, b, c and 7 more". */
export function clusterList(names: readonly string[], max = MAX_NAMED_CLUSTERS): string {
  const shown = names.slice(0, max).join(", ");
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}

const policyText = (p: ObjectRef) => `${p.kind} ${p.namespace ? `${p.namespace}/` : ""}${p.name}`;

/** The scheduler placed the template (or could not): on the template and its binding. */
export function scheduleEvents(input: {
  template: ObjectRef;
  binding?: KubeObject;
  clusters: readonly TargetCluster[];
  condition: ScheduledCondition;
}): EventInput[] {
  const { condition } = input;
  if (condition.status === "False")
    return onBoth(input.template, input.binding, {
      type: "Warning",
      reason: SCHEDULE_FAILED,
      message: `${condition.reason}: ${condition.message}`,
    });
  const result = clusterList(
    input.clusters.map((c) => (c.replicas === undefined ? c.name : `${c.name}:${c.replicas}`)),
  );
  return onBoth(input.template, input.binding, {
    type: "Normal",
    reason: SCHEDULE_SUCCEEDED,
    message: `Binding has been scheduled successfully. Result: {${result}}`,
  });
}

/** A policy now places the template (a new template, or another policy than before). */
export function applyPolicyEvents(template: ObjectRef, binding: KubeObject | undefined, policy: ObjectRef) {
  return onBoth(template, binding, {
    type: "Normal",
    reason: APPLY_POLICY_SUCCEEDED,
    message: `Apply policy(${policyText(policy)}) succeed`,
  });
}

/** The template's policy cannot be applied (its binding's name is another template's). */
export function applyPolicyFailedEvent(template: ObjectRef, message: string): EventInput {
  return { involved: templateObject(template), type: "Warning", reason: APPLY_POLICY_FAILED, message };
}

const policyKey = (p: { kind: string; namespace?: string; name: string } | undefined) =>
  p ? `${p.kind}/${p.namespace ?? ""}/${p.name}` : "";

/**
 * The events of a scheduler write, judged against the binding as it was stored: the policy that
 * now places the template (another one, or a new incarnation of the template), and the placement
 * or why there is none when clusters or the Scheduled condition changed. A write that only
 * relabels or re-owns the binding records nothing.
 */
export function decisionEvents(
  before: KubeObject | undefined,
  stored: KubeObject,
  condition: ScheduledCondition,
  policy: ObjectRef | undefined,
): EventInput[] {
  const spec = bindingSpec(stored);
  const prev = before ? bindingSpec(before) : undefined;
  const template = spec.resource as ObjectRef;
  const sameTemplate = prev !== undefined && prev.resource.uid === spec.resource.uid;
  const out: EventInput[] = [];
  if (policy && (!sameTemplate || policyKey(prev?.policy) !== policyKey(policy)))
    out.push(...applyPolicyEvents(template, stored, policy));
  const was = findCondition(
    (before?.status as { conditions?: Condition[] } | undefined)?.conditions,
    "Scheduled",
  );
  const changed =
    !sameTemplate ||
    !sameJson(prev?.clusters, spec.clusters) ||
    was?.status !== condition.status ||
    was.reason !== condition.reason ||
    was.message !== condition.message;
  if (changed) out.push(...scheduleEvents({ template, binding: stored, clusters: spec.clusters, condition }));
  return out;
}

interface EntryLike {
  cluster: string;
  applied?: boolean;
  reason?: string;
  message?: string;
}

export interface StatusTransition {
  binding: KubeObject;
  before: { aggregatedStatus?: unknown; conditions?: Condition[] };
  aggregatedStatus: readonly EntryLike[];
  fullyApplied: ConditionUpdate;
}

const failureKey = (e: EntryLike) => `${e.reason ?? ""}\0${e.message ?? ""}`;

/**
 * What a binding status write tells that the stored status did not: clusters that newly failed
 * (or fail differently: another reason or member error) → SyncFailed (ApplyOverridePolicyFailed
 * for override failures), and FullyApplied becoming True → AggregateStatusSucceed.
 */
export function statusEvents(t: StatusTransition): EventInput[] {
  const spec = (t.binding.spec ?? {}) as { resource?: ObjectRef };
  if (!spec.resource) return [];
  const before = new Map(((t.before.aggregatedStatus ?? []) as EntryLike[]).map((e) => [e.cluster, e]));
  const groups = new Map<string, EntryLike[]>();
  for (const e of t.aggregatedStatus) {
    if (e.applied !== false) continue;
    const key = failureKey(e);
    const prev = before.get(e.cluster);
    if (prev?.applied === false && failureKey(prev) === key) continue; // the same failure, already told
    const g = groups.get(key);
    if (g) g.push(e);
    else groups.set(key, [e]);
  }
  const out: EventInput[] = [];
  const ordered = [...groups.values()].sort((a, b) => b.length - a.length);
  for (const g of ordered.slice(0, MAX_FAILURE_GROUPS)) {
    const first = g[0];
    const where =
      g.length === 1 ? `cluster ${first.cluster}` : `clusters ${clusterList(g.map((e) => e.cluster))}`;
    out.push(
      ...onBoth(spec.resource, t.binding, {
        type: "Warning",
        reason: first.reason === "OverrideFailed" ? APPLY_OVERRIDE_FAILED : SYNC_FAILED,
        message: `${where}: ${first.reason ?? "Failed"}: ${first.message ?? ""}`.trimEnd(),
      }),
    );
  }
  const rest = ordered.slice(MAX_FAILURE_GROUPS).flat();
  if (rest.length > 0)
    out.push(
      ...onBoth(spec.resource, t.binding, {
        type: "Warning",
        reason: SYNC_FAILED,
        message: `${rest.length} more clusters failed otherwise: ${clusterList(rest.map((e) => e.cluster))} (see the ResourceBinding's aggregatedStatus)`,
      }),
    );
  const was = t.before.conditions?.find((c) => c.type === t.fullyApplied.type)?.status;
  if (t.fullyApplied.status === "True" && was !== "True")
    out.push(
      ...onBoth(spec.resource, t.binding, {
        type: "Normal",
        reason: AGGREGATE_STATUS_SUCCEEDED,
        message: `Aggregated status: ${t.fullyApplied.message}`,
      }),
    );
  return out;
}
