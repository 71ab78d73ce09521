// How a template's replicas are spread over the selected clusters.
// - Duplicated (the default): every cluster runs all of them.
// - Divided, Weighted: in proportion to weights — the staticWeightList (a cluster matching several
//   entries takes the highest weight, one matching none weighs 0), or dynamicWeight
//   AvailableReplicas (each cluster's estimated room, capacity.ts), or equal weights when neither
//   is given or every weight is 0. Each cluster first gets the whole part of its share; the
//   remainder goes one by one to the heaviest clusters, then by name (6 over 2:1 is 4 + 2, 5 over
//   2:1 is 4 + 1).
// - Divided, Aggregated: as few clusters as possible — the roomiest first (then by name) until
//   their room covers the replicas, then divided over those by room.
// Clusters left with 0 replicas are dropped (unless the template asks for 0). The result is sorted
// by cluster name and depends only on the inputs, so re-deciding never reshuffles replicas.
import { compileAffinity } from "./affinity.ts";
import { estimateReplicas, type ResourceAmounts } from "./capacity.ts";
import type { ClusterView } from "./cluster-view.ts";
import type { ReplicaScheduling } from "./placement.ts";

export interface TargetCluster {
  name: string;
  replicas?: number;
}

export interface Weighted {
  name: string;
  weight: number;
}

const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);

/** Divides `total` by weights (all 0: equally); every cluster is in the result, sorted by name. */
export function divideByWeights(total: number, weights: readonly Weighted[]): Required<TargetCluster>[] {
  if (weights.length === 0) return [];
  const ws = weights.every((w) => w.weight <= 0)
    ? weights.map((w) => ({ name: w.name, weight: 1 }))
    : weights.map((w) => ({ name: w.name, weight: Math.max(0, w.weight) }));
  const sum = ws.reduce((s, w) => s + w.weight, 0);
  const shares = new Map(ws.map((w) => [w.name, Math.floor((total * w.weight) / sum)]));
  let remainder = total - [...shares.values()].reduce((s, n) => s + n, 0);
  const order = [...ws].filter((w) => w.weight > 0).sort((a, b) => b.weight - a.weight || byName(a, b));
  for (let i = 0; remainder > 0; i = (i + 1) % order.length, remainder--)
    shares.set(order[i].name, shares.get(order[i].name)! + 1);
  return [...shares].map(([name, replicas]) => ({ name, replicas })).sort(byName);
}

/** Each cluster's static weight: the highest of the entries whose targetCluster matches it, else 0. */
export function staticWeights(
  list: NonNullable<ReplicaScheduling["weightPreference"]>["staticWeightList"],
  clusters: readonly ClusterView[],
): Weighted[] {
  const entries = (list ?? []).map((e) => ({ matches: compileAffinity(e.targetCluster), weight: e.weight }));
  return clusters.map((c) => ({
    name: c.name,
    weight: Math.max(0, ...entries.filter((e) => e.matches(c)).map((e) => e.weight)),
  }));
}

function dynamicWeights(clusters: readonly ClusterView[], requests: ResourceAmounts): Weighted[] {
  return clusters.map((c) => ({ name: c.name, weight: estimateReplicas(c.allocatable, requests) }));
}

/**
 * The roomiest clusters (then by name) until their room covers `total` — all with room when it
 * never does; the first one alone when no cluster reports any room.
 */
function aggregate(total: number, rooms: Weighted[]): Weighted[] {
  const ordered = [...rooms].sort((a, b) => b.weight - a.weight || byName(a, b));
  if (ordered.length === 0 || ordered[0].weight <= 0) return ordered.slice(0, 1);
  const picked: Weighted[] = [];
  let room = 0;
  for (const r of ordered) {
    if ((picked.length > 0 && room >= total) || r.weight <= 0) break;
    picked.push(r);
    room += r.weight;
  }
  return picked;
}

export interface ReplicaInput {
  scheduling: ReplicaScheduling | undefined;
  /** The selected clusters. */
  clusters: readonly ClusterView[];
  /** The template's replicas (undefined: the kind has none; every cluster gets the object). */
  replicas: number | undefined;
  /** The pod's requests, for capacity estimates. */
  requests?: ResourceAmounts;
}

export function isDivided(scheduling: ReplicaScheduling | undefined): boolean {
  return scheduling?.replicaSchedulingType === "Divided";
}

export function assignReplicas(input: ReplicaInput): TargetCluster[] {
  const clusters = [...input.clusters].sort(byName);
  const total = input.replicas;
  if (total === undefined) return clusters.map((c) => ({ name: c.name }));
  const s = input.scheduling;
  if (!isDivided(s)) return clusters.map((c) => ({ name: c.name, replicas: total }));
  const requests = input.requests ?? {};
  let weights: Weighted[];
  if (s?.replicaDivisionPreference === "Aggregated")
    weights = aggregate(total, dynamicWeights(clusters, requests));
  else if (s?.weightPreference?.dynamicWeight === "AvailableReplicas")
    weights = dynamicWeights(clusters, requests);
  else if (s?.weightPreference?.staticWeightList?.length)
    weights = staticWeights(s.weightPreference.staticWeightList, clusters);
  else weights = clusters.map((c) => ({ name: c.name, weight: 1 }));
  const divided = divideByWeights(total, weights);
  return total === 0 ? divided : divided.filter((t) => t.replicas > 0);
}
