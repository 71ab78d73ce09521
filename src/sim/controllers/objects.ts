// Helpers every simulated controller shares: object keys and references, ownership, conditions,
// pod readiness and availability, template hashes and IntOrString arithmetic — each following
// the Kubernetes helper of the same purpose (controller_utils, podutil, deploymentutil).
import type { KubeObject, OwnerReference } from "../../apis/meta/types.ts";
import type { ObjectRef } from "../../apiserver/client/internal-client.ts";
import { labelSelectorAsMatcher } from "../../apiserver/selectors/labels.ts";
import type { Condition, IntOrString, LabelSelectorSpec, PodSpec, PodStatus, PodTemplate } from "./types.ts";

export { nowRfc3339 as now } from "../../apiserver/handlers/prepare.ts";

export const rvOf = (o: KubeObject): number => Number(o.metadata.resourceVersion ?? 0);

/** "namespace/name" (or "name" for cluster-scoped objects): the cache and queue key. */
export const keyOf = (o: KubeObject): string =>
  o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name}` : (o.metadata.name ?? "");

export function splitKey(key: string): { namespace?: string; name: string } {
  const slash = key.indexOf("/");
  return slash < 0 ? { name: key } : { namespace: key.slice(0, slash), name: key.slice(slash + 1) };
}

export const refOf = (o: KubeObject): ObjectRef => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  namespace: o.metadata.namespace,
  name: o.metadata.name!,
});

export const specOf = <T>(o: KubeObject): T => (o.spec ?? {}) as T;
export const statusOf = <T>(o: KubeObject): T => (o.status ?? {}) as T;
export const podSpec = (pod: KubeObject): PodSpec => specOf<PodSpec>(pod);
export const podStatus = (pod: KubeObject): PodStatus => statusOf<PodStatus>(pod);

export function controllerRef(o: KubeObject): OwnerReference | undefined {
  return o.metadata.ownerReferences?.find((r) => r.controller === true);
}

/** The reference a controller puts on what it creates. */
export function ownerRef(owner: KubeObject): OwnerReference {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name!,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  };
}

/** Indexer: the uid of the object's controller. */
export const byController = (o: KubeObject): string[] => {
  const ref = controllerRef(o);
  return ref ? [ref.uid] : [];
};

/** Indexer: the namespace of objects without a controller (candidates for adoption). */
export const orphanIn = (o: KubeObject): string[] => (controllerRef(o) ? [] : [o.metadata.namespace ?? ""]);

/** metav1.LabelSelector matching; a missing or invalid selector selects nothing. */
export function selects(selector: LabelSelectorSpec | undefined, o: KubeObject): boolean {
  try {
    return labelSelectorAsMatcher(selector).matches(o.metadata.labels);
  } catch {
    return false;
  }
}

export const isTerminating = (o: KubeObject): boolean => !!o.metadata.deletionTimestamp;

export function findCondition(conditions: Condition[] | undefined, type: string): Condition | undefined {
  return conditions?.find((c) => c.type === type);
}

/** Sets a condition, keeping lastTransitionTime (and the position) when the status is unchanged. */
export function setCondition(conditions: Condition[] | undefined, next: Condition): Condition[] {
  const list = [...(conditions ?? [])];
  const i = list.findIndex((c) => c.type === next.type);
  if (i < 0) return [...list, next];
  const old = list[i];
  list[i] =
    old.status === next.status && old.lastTransitionTime
      ? { ...next, lastTransitionTime: old.lastTransitionTime }
      : next;
  return list;
}

export const podPhase = (pod: KubeObject): string => podStatus(pod).phase ?? "Pending";
export const isPodTerminal = (pod: KubeObject): boolean =>
  podPhase(pod) === "Succeeded" || podPhase(pod) === "Failed";
/** controller.IsPodActive: neither finished nor being deleted. */
export const isPodActive = (pod: KubeObject): boolean => !isPodTerminal(pod) && !isTerminating(pod);
export const isPodReady = (pod: KubeObject): boolean =>
  findCondition(podStatus(pod).conditions, "Ready")?.status === "True";

/** podutil.IsPodAvailable: Ready for at least minReadySeconds. */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs = Date.now()): boolean {
  const ready = findCondition(podStatus(pod).conditions, "Ready");
  if (ready?.status !== "True") return false;
  if (minReadySeconds <= 0) return true;
  const since = Date.parse(ready.lastTransitionTime ?? "");
  return Number.isNaN(since) || since + minReadySeconds * 1000 <= nowMs;
}

/** How long until a ready pod becomes available (0 when it is, or never will be). */
export function msUntilAvailable(pod: KubeObject, minReadySeconds: number, nowMs = Date.now()): number {
  const ready = findCondition(podStatus(pod).conditions, "Ready");
  if (ready?.status !== "True" || minReadySeconds <= 0) return 0;
  const since = Date.parse(ready.lastTransitionTime ?? "");
  return Number.isNaN(since) ? 0 : Math.max(0, since + minReadySeconds * 1000 - nowMs);
}

/** JSON with object keys sorted, so equal objects hash and compare equal. */
export function stableStringify(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableStringify).join(",")}]`;
  if (v !== null && typeof v === "object")
    return `{${Object.keys(v)
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableStringify((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  return JSON.stringify(v);
}

const SAFE_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

/**
 * controller.ComputeHash: FNV-1a (32 bit) of the object and the collision count, printed in
 * decimal and each digit mapped through rand.SafeEncodeString's alphabet, so hashes look like
 * Kubernetes' ("5d59d67564").
 */
export function computeHash(v: unknown, collisionCount?: number): string {
  let h = 0x811c9dc5;
  const text = stableStringify(v) + (collisionCount ? `#${collisionCount}` : "");
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = "";
  for (const ch of String(h)) out += SAFE_ALPHABET[ch.charCodeAt(0) % SAFE_ALPHABET.length];
  return out;
}

/** A template without the given labels (the hash labels controllers add), for comparisons. */
export function templateWithout(template: PodTemplate | undefined, ...labels: string[]): PodTemplate {
  const t = structuredClone(template ?? {});
  if (t.metadata?.labels) {
    for (const l of labels) delete t.metadata.labels[l];
    if (Object.keys(t.metadata.labels).length === 0) delete t.metadata.labels;
  }
  if (t.metadata && Object.keys(t.metadata).length === 0) delete t.metadata;
  return t;
}

/** intstr.GetScaledValueFromIntOrPercent: "25%" of total, rounded up or down. */
export function scaledValue(
  v: IntOrString | undefined,
  total: number,
  roundUp: boolean,
  dflt: IntOrString,
): number {
  const value = v ?? dflt;
  if (typeof value === "number") return value;
  const m = /^(\d+)%$/.exec(value);
  if (!m) return Number.parseInt(value, 10) || 0;
  const exact = (Number(m[1]) * total) / 100;
  return roundUp ? Math.ceil(exact) : Math.floor(exact);
}

/** Drops zero counters, as Go's omitempty does for status integers. */
export function omitZero<T extends Record<string, unknown>>(status: T): T {
  const out = { ...status };
  for (const [k, v] of Object.entries(out)) if (v === 0 || v === undefined) delete out[k];
  return out;
}

/** The pod's labels as a record (never undefined). */
export const labelsOf = (o: KubeObject): Record<string, string> => o.metadata.labels ?? {};
