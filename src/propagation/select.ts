// Which policy places a template. A ResourceSelector matches an object of its group and kind (the
// version is not compared: v1beta1 and v1 of a kind are one stored object, see identity.ts), in
// its namespace when it names one, and then either by name (a name makes Karmada ignore the label
// selector, and so do we) or by label selector, or every object of the kind when it gives
// neither. A PropagationPolicy only selects objects in its own namespace.
//
// Choice among the policies that select a template: a PropagationPolicy (namespaced) beats a
// ClusterPropagationPolicy; then the highest spec.priority; then the most explicit match (by name
// over by labels over the whole kind); then the alphabetically first policy.
import { type LabelSelector, labelSelectorAsMatcher } from "../apiserver/selectors/labels.ts";
import { groupOf } from "./pod-spec.ts";

export interface ResourceSelector {
  apiVersion: string;
  kind: string;
  name?: string;
  namespace?: string;
  labelSelector?: LabelSelector;
}

export interface PolicyView {
  kind: "PropagationPolicy" | "ClusterPropagationPolicy";
  /** Set for PropagationPolicies. */
  namespace?: string;
  name: string;
  priority: number;
  resourceSelectors: readonly ResourceSelector[];
  deleting?: boolean;
}

/** What a selector is matched against. */
export interface SelectableObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; namespace?: string; labels?: Readonly<Record<string, string>> };
}

/** How explicitly an object is selected: 0 not at all, 1 by kind, 2 by labels, 3 by name. */
export type MatchLevel = 0 | 1 | 2 | 3;

export function selectorMatch(sel: ResourceSelector, obj: SelectableObject): MatchLevel {
  if (sel.kind !== obj.kind || groupOf(sel.apiVersion) !== groupOf(obj.apiVersion)) return 0;
  if (sel.namespace && sel.namespace !== (obj.metadata.namespace ?? "")) return 0;
  if (sel.name) return sel.name === obj.metadata.name ? 3 : 0;
  if (!sel.labelSelector) return 1;
  try {
    return labelSelectorAsMatcher(sel.labelSelector).matches(obj.metadata.labels) ? 2 : 0;
  } catch {
    return 0; // an invalid selector selects nothing
  }
}

export function policyMatch(policy: PolicyView, obj: SelectableObject): MatchLevel {
  if (policy.deleting) return 0;
  if (policy.kind === "PropagationPolicy" && (obj.metadata.namespace ?? "") !== policy.namespace) return 0;
  let best: MatchLevel = 0;
  for (const sel of policy.resourceSelectors) {
    const level = selectorMatch(sel, obj);
    if (level > best) best = level;
  }
  return best;
}

/** The policy that places `obj`, or undefined when none selects it. */
export function choosePolicy<P extends PolicyView>(
  policies: Iterable<P>,
  obj: SelectableObject,
): { policy: P; level: MatchLevel } | undefined {
  let best: { policy: P; level: MatchLevel } | undefined;
  for (const policy of policies) {
    const level = policyMatch(policy, obj);
    if (level === 0) continue;
    if (!best || beats({ policy, level }, best)) best = { policy, level };
  }
  return best;
}

function beats(
  a: { policy: PolicyView; level: MatchLevel },
  b: { policy: PolicyView; level: MatchLevel },
): boolean {
  const namespaced = (p: PolicyView) => (p.kind === "PropagationPolicy" ? 1 : 0);
  if (namespaced(a.policy) !== namespaced(b.policy)) return namespaced(a.policy) > namespaced(b.policy);
  if (a.policy.priority !== b.policy.priority) return a.policy.priority > b.policy.priority;
  if (a.level !== b.level) return a.level > b.level;
  return a.policy.name < b.policy.name;
}
