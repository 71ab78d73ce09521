// Spread constraints: how many topology groups (regions, zones, providers, values of a label) and
// how many clusters a placement covers. Group constraints apply in the order written, then the
// cluster constraint. Too few groups (or clusters) for minGroups makes the placement unschedulable;
// more than maxGroups are cut deterministically: groups already holding the placement first (so a
// new cluster elsewhere does not move the workload), then bigger groups, then by name; clusters
// are picked round-robin across the chosen groups, those already placed first, then by name.
import type { ClusterView } from "./cluster-view.ts";

export interface SpreadConstraint {
  spreadByField?: "cluster" | "region" | "zone" | "provider";
  spreadByLabel?: string;
  maxGroups?: number;
  minGroups?: number;
}

/** `invalid`: the constraints themselves are wrong (no cluster set could satisfy them). */
export type SpreadResult = { selected: ClusterView[] } | { error: string; invalid?: boolean };

interface Group {
  value: string;
  clusters: ClusterView[];
  placed: number;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

function describe(c: SpreadConstraint): string {
  return c.spreadByLabel ? `label ${c.spreadByLabel}` : (c.spreadByField ?? "");
}

/** A problem with the constraints themselves, or undefined when they are usable. */
export function spreadConstraintError(constraints: readonly SpreadConstraint[]): string | undefined {
  for (const c of constraints) {
    if (!!c.spreadByField === !!c.spreadByLabel)
      return "a spread constraint needs exactly one of spreadByField and spreadByLabel";
    if (c.minGroups !== undefined && c.maxGroups !== undefined && c.minGroups > c.maxGroups)
      return `spread by ${describe(c)}: minGroups ${c.minGroups} is more than maxGroups ${c.maxGroups}`;
  }
  return undefined;
}

function groupsOf(c: SpreadConstraint, pool: ClusterView[], current: ReadonlySet<string>): Group[] {
  const groups = new Map<string, Group>();
  for (const cluster of pool) {
    const value = c.spreadByLabel
      ? cluster.labels[c.spreadByLabel]
      : cluster[c.spreadByField as "region" | "zone" | "provider"];
    if (!value) continue;
    const g = groups.get(value) ?? { value, clusters: [], placed: 0 };
    g.clusters.push(cluster);
    if (current.has(cluster.name)) g.placed++;
    groups.set(value, g);
  }
  return [...groups.values()].sort(
    (a, b) =>
      b.placed - a.placed ||
      b.clusters.length - a.clusters.length ||
      (a.value < b.value ? -1 : a.value > b.value ? 1 : 0),
  );
}

/** Picks `n` clusters round-robin over the groups, the placed ones of each group first. */
function pickClusters(groups: ClusterView[][], n: number, current: ReadonlySet<string>): ClusterView[] {
  const queues = groups.map((g) =>
    [...g].sort((a, b) => Number(current.has(b.name)) - Number(current.has(a.name)) || byName(a, b)),
  );
  const picked: ClusterView[] = [];
  for (let round = 0; picked.length < n; round++) {
    let any = false;
    for (const q of queues) {
      if (round < q.length && picked.length < n) {
        picked.push(q[round]);
        any = true;
      }
    }
    if (!any) break;
  }
  return picked;
}

/**
 * Applies the constraints to the clusters that passed the filters. `current`: the clusters the
 * placement is on now.
 */
export function applySpread(
  constraints: readonly SpreadConstraint[],
  candidates: readonly ClusterView[],
  current: ReadonlySet<string>,
): SpreadResult {
  const invalid = spreadConstraintError(constraints);
  if (invalid) return { error: invalid, invalid: true };
  let pool = [...candidates].sort(byName);
  let groups: ClusterView[][] = [pool];
  for (const c of constraints) {
    if (c.spreadByField === "cluster") continue;
    const found = groupsOf(c, pool, current);
    const what = describe(c);
    if (found.length === 0) return { error: `spread by ${what}: no eligible cluster has one` };
    if (c.minGroups !== undefined && found.length < c.minGroups)
      return {
        error: `spread by ${what}: ${found.length} group(s) available (${found
          .map((g) => g.value)
          .sort()
          .join(", ")}), at least ${c.minGroups} required`,
      };
    const chosen = c.maxGroups !== undefined ? found.slice(0, c.maxGroups) : found;
    groups = chosen.map((g) => g.clusters);
    pool = groups.flat().sort(byName);
  }
  const clusterLevel = constraints.filter((c) => c.spreadByField === "cluster");
  const min = Math.max(0, ...clusterLevel.map((c) => c.minGroups ?? 0));
  const max = Math.min(
    Number.POSITIVE_INFINITY,
    ...clusterLevel.map((c) => c.maxGroups ?? Number.POSITIVE_INFINITY),
  );
  if (pool.length < min)
    return { error: `spread by cluster: ${pool.length} cluster(s) eligible, at least ${min} required` };
  if (pool.length > max) pool = pickClusters(groups, max, current).sort(byName);
  return { selected: pool };
}
