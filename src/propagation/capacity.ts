// How many replicas of a pod fit in a cluster, estimated from the cluster's reported allocatable
// capacity (status.allocatable: cpu, memory, pods ...) and the pod's requests — what dynamic
// weights (AvailableReplicas) and the Aggregated preference divide by. Quantities are parsed with
// the agent's exact quantity arithmetic (nano-units as BigInt), so "500m" and "0.5" are equal.
import { parseQuantity } from "../agent/status/quantity.ts";
import type { Container, PodSpec } from "./pod-spec.ts";

/** Resource name → amount in nano-units. */
export type ResourceAmounts = Record<string, bigint>;

function containerRequests(c: Container): ResourceAmounts {
  const out: ResourceAmounts = {};
  // As Kubernetes defaults them: a limit without a request is also the request.
  const merged = { ...(c.resources?.limits ?? {}), ...(c.resources?.requests ?? {}) };
  for (const [name, text] of Object.entries(merged)) {
    const q = parseQuantity(text);
    if (q && q.nano > 0n) out[name] = q.nano;
  }
  return out;
}

/**
 * A pod's effective requests, as the Kubernetes scheduler computes them: the sum over its
 * containers, or the largest init container's when that is more (init containers run one by one).
 */
export function podRequests(spec: PodSpec | undefined): ResourceAmounts {
  const total: ResourceAmounts = {};
  for (const c of spec?.containers ?? [])
    for (const [name, v] of Object.entries(containerRequests(c))) total[name] = (total[name] ?? 0n) + v;
  for (const c of spec?.initContainers ?? [])
    for (const [name, v] of Object.entries(containerRequests(c)))
      if (v > (total[name] ?? 0n)) total[name] = v;
  return total;
}

/**
 * Replicas of a pod with these requests that fit in `allocatable`: the tightest of every requested
 * resource and of the pod count. 0 when the cluster reports no capacity, or none of a resource the
 * pod needs.
 */
export function estimateReplicas(
  allocatable: Readonly<Record<string, string>> | undefined,
  requests: ResourceAmounts,
): number {
  if (!allocatable || Object.keys(allocatable).length === 0) return 0;
  let fit: bigint | undefined;
  const tighten = (n: bigint) => {
    fit = fit === undefined || n < fit ? n : fit;
  };
  const pods = parseQuantity(allocatable.pods);
  if (pods) tighten(pods.nano / 1_000_000_000n);
  for (const [name, need] of Object.entries(requests)) {
    if (name === "pods") continue;
    const have = parseQuantity(allocatable[name]);
    tighten(have && have.nano > 0n ? have.nano / need : 0n);
  }
  if (fit === undefined || fit < 0n) return 0;
  return fit > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(fit);
}
