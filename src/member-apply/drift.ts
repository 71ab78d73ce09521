// Drift: has a field the hub owns changed in the member since MCP applied it?
//
// The hub owns every field of the manifest it sends, except the paths in
// mcp.platform/retain-fields (member controllers own those) and MCP's own bookkeeping annotations
// (mcp.platform/*). `hubOwned()` is that part of a manifest; `project()` reads the same fields
// from a live object, shaped like the manifest (list items matched by name where the manifest's
// items have unique names, else by position; items others added are not the hub's).
//
// Drift is judged against what the member stored right after MCP's apply (the baseline), not
// against the manifest itself: the apiserver may normalize what it is given ("0.5" CPU is stored
// as "500m", a webhook may pin an image digest), and such differences are not drift.
import type { KubeObject } from "../apis/meta/types.ts";
import { jsonEqual } from "../apiserver/patch/json-value.ts";
import { RETAIN_ANNOTATION } from "../propagation/identity.ts";
import { formatPath, isPlainObject, type PathSegment, parsePathList } from "./paths.ts";

const MCP_PREFIX = "mcp.platform/";

export interface HubOwned {
  /** The manifest's hub-owned fields (metadata reduced to labels and annotations). */
  doc: Record<string, unknown>;
  /** Formatted paths left out (retained fields). */
  excluded: Set<string>;
}

export function hubOwned(manifest: KubeObject, retained: readonly PathSegment[][]): HubOwned {
  const meta: Record<string, unknown> = {};
  if (manifest.metadata.labels && Object.keys(manifest.metadata.labels).length)
    meta.labels = manifest.metadata.labels;
  const annotations = Object.entries(manifest.metadata.annotations ?? {}).filter(
    ([k]) => !k.startsWith(MCP_PREFIX),
  );
  if (annotations.length) meta.annotations = Object.fromEntries(annotations);
  const doc: Record<string, unknown> = Object.keys(meta).length ? { metadata: meta } : {};
  for (const [k, v] of Object.entries(manifest)) {
    if (k === "apiVersion" || k === "kind" || k === "metadata" || k === "status") continue;
    doc[k] = v;
  }
  return { doc, excluded: new Set(retained.map(formatPath)) };
}

/** The retained paths of a manifest (unreadable ones are ignored; see parsePathList). */
export function retainedPaths(manifest: KubeObject): PathSegment[][] {
  return parsePathList(manifest.metadata.annotations?.[RETAIN_ANNOTATION]).paths;
}

const SKIP = Symbol("skip");

/** The hub-owned fields of `live`, shaped like `owned.doc`. */
export function project(live: unknown, owned: HubOwned): unknown {
  const r = projectValue(live, owned.doc, [], owned.excluded);
  return r === SKIP ? undefined : r;
}

function projectValue(live: unknown, desired: unknown, path: PathSegment[], excluded: Set<string>): unknown {
  if (path.length && excluded.has(formatPath(path))) return SKIP;
  // null in an applied configuration expresses no value the hub keeps.
  if (desired === null) return SKIP;
  if (isPlainObject(desired)) {
    if (!isPlainObject(live)) return live;
    const out: Record<string, unknown> = {};
    for (const [k, d] of Object.entries(desired)) {
      const r = projectValue(live[k], d, [...path, k], excluded);
      if (r !== SKIP) out[k] = r;
    }
    return out;
  }
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return live;
    if (!desired.every(isPlainObject)) return live;
    const byName = uniqueNames(desired)
      ? new Map(live.filter(isPlainObject).map((x) => [x.name, x]))
      : undefined;
    return desired.map((d, i) => {
      const item = byName ? byName.get((d as { name: unknown }).name) : live[i];
      const r = projectValue(item, d, [...path, i], excluded);
      return r === SKIP ? undefined : r;
    });
  }
  return live;
}

function uniqueNames(items: unknown[]): boolean {
  const names = new Set<unknown>();
  for (const it of items) {
    const name = (it as { name?: unknown }).name;
    if (typeof name !== "string" || names.has(name)) return false;
    names.add(name);
  }
  return true;
}

/** The paths where two projections differ, most specific first-found, in document order. */
export function diffPaths(a: unknown, b: unknown, path: PathSegment[] = []): string[] {
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: string[] = [];
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)]))
      out.push(...diffPaths(a[k], b[k], [...path, k]));
    return out;
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    return a.flatMap((x, i) => diffPaths(x, b[i], [...path, i]));
  }
  return jsonEqual(a, b) ? [] : [path.length ? formatPath(path) : "(object)"];
}
