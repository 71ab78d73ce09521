// Small read helpers shared by checks: listing snapshot objects, naming them in messages and
// findings, reading pod specs and matching label selectors exactly as the API server does.
// Checks receive untyped KubeObjects, so these helpers are where the narrowing happens once.
import { isObject, type KubeObject } from "../../apis/meta/types.ts";
import type { CheckContext, ObjectRef, SnapshotKey } from "../types.ts";

/** Every object of one kind in the snapshot (empty when the scan did not gather it). */
export function list(ctx: CheckContext, key: SnapshotKey): KubeObject[] {
  return ctx.snapshot.objects[key] ?? [];
}

export function ref(obj: KubeObject): ObjectRef {
  const r: ObjectRef = { apiVersion: obj.apiVersion, kind: obj.kind, name: obj.metadata.name ?? "" };
  if (obj.metadata.namespace) r.namespace = obj.metadata.namespace;
  return r;
}

/** "ns/name" for namespaced objects, "name" otherwise: how messages name an object. */
export function nameOf(obj: KubeObject | ObjectRef): string {
  const meta = "metadata" in obj ? obj.metadata : obj;
  return meta.namespace ? `${meta.namespace}/${meta.name}` : `${meta.name}`;
}

/** A field as a plain record (or empty), so optional chains over unknown specs stay readable. */
export function rec(v: unknown): Record<string, unknown> {
  return isObject(v) ? v : {};
}

export function str(v: unknown): string | undefined {
  return typeof v === "string" ? v : undefined;
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function find(
  objs: KubeObject[],
  namespace: string | undefined,
  name: string,
): KubeObject | undefined {
  return objs.find((o) => o.metadata.name === name && o.metadata.namespace === namespace);
}

export interface LabelSelectorRequirement {
  key: string;
  operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

/** metav1.LabelSelector semantics: an empty selector matches everything. */
export function selectorMatches(selector: LabelSelector, labels: Record<string, string> = {}): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    if (e.operator === "In" && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && values.includes(labels[e.key])) return false;
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
  }
  return true;
}

/** A Service's plain map selector (spec.selector); an empty map selects nothing for a Service. */
export function mapMatches(selector: Record<string, string>, labels: Record<string, string> = {}): boolean {
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** Pods that still run or will run: finished pods no longer back Services or need policies. */
export function isLivePod(pod: KubeObject): boolean {
  const phase = str(rec(pod.status).phase);
  return phase !== "Succeeded" && phase !== "Failed" && !pod.metadata.deletionTimestamp;
}

export interface ContainerView {
  name: string;
  /** containers, initContainers or ephemeralContainers: so messages can say which. */
  list: string;
  securityContext: Record<string, unknown>;
  raw: Record<string, unknown>;
}

/** Every container of a pod spec, init and ephemeral included, since each can escalate. */
export function containersOf(podSpec: Record<string, unknown>): ContainerView[] {
  const out: ContainerView[] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"]) {
    for (const c of arr(podSpec[list])) {
      const raw = rec(c);
      out.push({ name: str(raw.name) ?? "", list, securityContext: rec(raw.securityContext), raw });
    }
  }
  return out;
}
