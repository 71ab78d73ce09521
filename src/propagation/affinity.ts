// ClusterAffinity (Karmada's shape): which clusters a placement, a static weight or an override
// rule targets — by names, minus exclusions, by labels (the API server's label selector
// semantics), and by fields (region, zone, provider; see cluster-view.ts for where they come from).
// Every part given must hold; an affinity with nothing set matches every cluster.
import { type LabelSelector, labelSelectorAsMatcher } from "../apiserver/selectors/labels.ts";
import type { ClusterView, TopologyField } from "./cluster-view.ts";

export interface FieldSelectorRequirement {
  key: TopologyField;
  operator: "In" | "NotIn";
  values: string[];
}

export interface ClusterAffinity {
  clusterNames?: string[];
  exclude?: string[];
  labelSelector?: LabelSelector;
  fieldSelector?: { matchExpressions: FieldSelectorRequirement[] };
}

export type ClusterPredicate = (c: ClusterView) => boolean;

/** A selector that cannot be compiled (bad operator, bad key); the message says which. */
export class AffinityError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "AffinityError";
  }
}

export function compileLabelSelector(selector: LabelSelector, what: string): ClusterPredicate {
  try {
    const m = labelSelectorAsMatcher(selector);
    return (c) => m.matches(c.labels);
  } catch (e) {
    throw new AffinityError(`invalid ${what}: ${(e as Error).message}`);
  }
}

function fieldRequirement(r: FieldSelectorRequirement): ClusterPredicate {
  if (r.key !== "region" && r.key !== "zone" && r.key !== "provider")
    throw new AffinityError(`invalid field selector: unknown key ${JSON.stringify(r.key)}`);
  if (r.operator !== "In" && r.operator !== "NotIn")
    throw new AffinityError(`invalid field selector: unknown operator ${JSON.stringify(r.operator)}`);
  const values = new Set(r.values ?? []);
  return r.operator === "In"
    ? (c) => c[r.key] !== undefined && values.has(c[r.key]!)
    : (c) => c[r.key] === undefined || !values.has(c[r.key]!);
}

/** Compiles an affinity once (a policy is judged against every cluster). Throws AffinityError. */
export function compileAffinity(affinity: ClusterAffinity | undefined): ClusterPredicate {
  if (!affinity) return () => true;
  const checks: ClusterPredicate[] = [];
  if (affinity.clusterNames && affinity.clusterNames.length > 0) {
    const names = new Set(affinity.clusterNames);
    checks.push((c) => names.has(c.name));
  }
  if (affinity.exclude && affinity.exclude.length > 0) {
    const excluded = new Set(affinity.exclude);
    checks.push((c) => !excluded.has(c.name));
  }
  if (affinity.labelSelector)
    checks.push(compileLabelSelector(affinity.labelSelector, "cluster label selector"));
  for (const r of affinity.fieldSelector?.matchExpressions ?? []) checks.push(fieldRequirement(r));
  return (c) => checks.every((check) => check(c));
}
