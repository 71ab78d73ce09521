// Strategic merge patch (application/strategic-merge-patch+json) for built-in kinds, as
// apimachinery's StrategicMergeMapPatch applies it on the server: keyed lists merge by their
// patchMergeKey, merged primitive lists union, other lists are replaced, null deletes, and the
// directives $patch, $retainKeys, $setElementOrder/<list> and $deleteFromPrimitiveList/<list> work
// as kubectl (set image, label, annotate, rollout restart, edit, client-side apply) sends them.

import { errors } from "../errors.ts";
import { clone, isJsonObject, type JsonObject } from "./json-value.ts";
import { smpListMeta } from "./list-keys.ts";
import {
  deduplicateScalars,
  noMergeKey,
  normalizeElementOrder,
  partition,
  SmpError,
  validateSetElementOrder,
} from "./smp-order.ts";

export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

const SET_ORDER = "$setElementOrder";
const DELETE_FROM = "$deleteFromPrimitiveList";
const RETAIN_KEYS = "$retainKeys";

/**
 * Applies a strategic merge patch; neither input is mutated. Kubernetes only knows the patch
 * strategies of its own Go types, so for custom resources (`builtin: false`) this is a 415.
 */
export function applyStrategicMergePatch<T>(original: T, patch: unknown, opts: { builtin: boolean }): T {
  if (!opts.builtin) throw errors.unsupportedMediaType(STRATEGIC_MERGE_PATCH);
  if (!isJsonObject(patch)) throw errors.badRequest("a strategic merge patch must be a JSON object");
  const target = isJsonObject(original) ? clone(original) : {};
  try {
    return mergeMap(target, clone(patch), []) as T;
  } catch (err) {
    if (err instanceof SmpError) throw errors.badRequest(err.message);
    throw err;
  }
}

type Path = readonly string[];

const kindOf = (v: unknown) =>
  Array.isArray(v) ? "list" : isJsonObject(v) ? "map" : v === null ? "null" : typeof v;

/**
 * A value taken from the patch as is: nulls mean nothing there, maps carrying $patch are dropped
 * (removeDirectives) and other directive keys vanish as they would when decoding into Go types.
 */
function fresh(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fresh).filter((x) => x !== undefined);
  if (!isJsonObject(v)) return v;
  if (Object.hasOwn(v, "$patch")) return undefined;
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(v)) {
    if (child === null || k.startsWith("$")) continue;
    const c = fresh(child);
    if (c !== undefined) out[k] = c;
  }
  return out;
}

function mergeMap(original: JsonObject, patch: JsonObject, path: Path): JsonObject {
  if (Object.hasOwn(patch, "$patch")) {
    const directive = patch.$patch;
    if (directive === "replace") {
      const { $patch: _, ...rest } = patch;
      return fresh(rest) as JsonObject;
    }
    if (directive === "delete") return {};
    throw new SmpError(`unknown patch type: ${String(directive)} in map: ${JSON.stringify(patch)}`);
  }
  applyRetainKeys(original, patch);
  mergeOrderedLists(original, patch, path);
  for (const [rawKey, pv] of Object.entries(patch)) {
    let key = rawKey;
    const isDeleteList = rawKey.startsWith(`${DELETE_FROM}/`);
    if (isDeleteList) key = extractKey(rawKey, DELETE_FROM);
    else if (rawKey.startsWith("$")) continue;
    if (pv === null) {
      delete original[key];
      continue;
    }
    const ov = original[key];
    if (!Object.hasOwn(original, key) || kindOf(ov) !== kindOf(pv)) {
      if (isDeleteList) continue;
      const v = fresh(pv);
      if (v === undefined) delete original[key];
      else original[key] = v;
      continue;
    }
    if (kindOf(pv) === "map") original[key] = mergeMap(ov as JsonObject, pv as JsonObject, [...path, key]);
    else if (kindOf(pv) === "list")
      original[key] = mergeSliceHandler(ov as unknown[], pv as unknown[], [...path, key], isDeleteList);
    else original[key] = pv;
  }
  return original;
}

function extractKey(key: string, prefix: string): string {
  const slash = key.indexOf("/");
  if (slash < 0 || key.slice(0, slash) !== prefix) {
    throw new SmpError(
      prefix === DELETE_FROM
        ? "invalid patch format of primitive list"
        : "invalid patch format of setElementOrder list",
    );
  }
  return key.slice(slash + 1);
}

/** $retainKeys: clear every field of the original not listed; the patch may only set listed fields. */
function applyRetainKeys(original: JsonObject, patch: JsonObject): void {
  if (!Object.hasOwn(patch, RETAIN_KEYS)) return;
  const retain = patch[RETAIN_KEYS];
  delete patch[RETAIN_KEYS];
  if (!Array.isArray(retain)) throw new SmpError("invalid patch format of retainKeys");
  const keep = new Set(retain);
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(`${DELETE_FROM}/`) || k.startsWith(`${SET_ORDER}/`)) continue;
    if (!keep.has(k)) throw new SmpError("invalid patch format of retainKeys");
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

/** $setElementOrder/<list>: merge that list now and order it as the directive says. */
function mergeOrderedLists(original: JsonObject, patch: JsonObject, path: Path): void {
  for (const [directive, order] of Object.entries(patch)) {
    if (!directive.startsWith(`${SET_ORDER}/`)) continue;
    delete patch[directive];
    if (!Array.isArray(order)) throw new SmpError("invalid patch format of setElementOrder list");
    const key = extractKey(directive, SET_ORDER);
    const inOriginal = Object.hasOwn(original, key);
    const inPatch = Object.hasOwn(patch, key);
    const ov = original[key];
    const pv = patch[key];
    if ((inOriginal && !Array.isArray(ov)) || (inPatch && !Array.isArray(pv))) {
      throw new SmpError(`${[...path, key].join(".")}: $setElementOrder applies to lists only`);
    }
    const { mergeKey } = smpListMeta([...path, key]);
    validateSetElementOrder((pv ?? []) as unknown[], order, mergeKey);
    if (!inOriginal && !inPatch) continue;
    const merged = !inPatch
      ? (ov as unknown[])
      : !inOriginal
        ? (fresh(pv) as unknown[])
        : mergeSliceHandler(ov as unknown[], pv as unknown[], [...path, key], false);
    const [named, serverOnly] = partition(merged, order, mergeKey);
    original[key] = normalizeElementOrder(named, serverOnly, order, (ov ?? []) as unknown[], mergeKey);
    delete patch[key];
  }
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  path: Path,
  isDeleteList: boolean,
): unknown[] {
  const meta = smpListMeta(path);
  if (meta.strategy !== "merge" && !isDeleteList) return fresh(patch) as unknown[];
  return mergeSlice(original, patch, meta.mergeKey, path, isDeleteList);
}

function elementKind(...lists: unknown[][]): string | undefined {
  let kind: string | undefined;
  for (const v of lists.flat()) {
    const k = kindOf(v);
    if (kind === undefined && k === "list") throw new SmpError("lists of lists are not supported");
    if (kind !== undefined && k !== kind)
      throw new SmpError(`list element types are not identical: ${JSON.stringify(lists)}`);
    kind = k;
  }
  return kind;
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  mergeKey: string | undefined,
  path: Path,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = elementKind(original, patch);
  let merged: unknown[];
  let live = original;
  let items = patch;
  if (kind !== "map") {
    if (isDeleteList) return original.filter((v) => !patch.includes(v));
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (!mergeKey) throw new SmpError(`cannot merge lists without merge key for ${path.join(".")}`);
    [live, items] = withSpecialElements(original, patch, mergeKey);
    merged = [...live];
    for (const item of items as JsonObject[]) {
      if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
      const at = merged.findIndex((x) => {
        if (!isJsonObject(x)) throw new SmpError(`${path.join(".")}: list item is not a map`);
        return x[mergeKey] === item[mergeKey];
      });
      if (at >= 0) merged[at] = mergeMap(merged[at] as JsonObject, item, path);
      else {
        const v = fresh(item);
        if (v !== undefined) merged.push(v);
      }
    }
  }
  const key = kind === "map" ? mergeKey : undefined;
  const [named, serverOnly] = partition(merged, items, key);
  return normalizeElementOrder(named, serverOnly, items, live, key);
}

/** `$patch: delete` items remove their match; `$patch: replace` makes the patch list the result. */
function withSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): [unknown[], unknown[]] {
  const plain: unknown[] = [];
  let live = original;
  let replace = false;
  for (const item of patch as JsonObject[]) {
    if (!Object.hasOwn(item, "$patch")) {
      plain.push(item);
      continue;
    }
    switch (item.$patch) {
      case "delete":
        if (!Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
        live = live.filter((x) => !(isJsonObject(x) && x[mergeKey] === item[mergeKey]));
        break;
      case "replace":
        replace = true;
        break;
      case "merge":
        throw new SmpError("merging lists cannot yet be specified in the patch");
      default:
        throw new SmpError(`unknown patch type: ${String(item.$patch)} in map: ${JSON.stringify(item)}`);
    }
  }
  return replace ? [plain.map(fresh), []] : [live, plain];
}
