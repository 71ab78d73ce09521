// The schema-aware walks server-side apply is built on (structured-merge-diff's typed package):
// the set of fields an object mentions, the merge of an applied configuration into a live object,
// the comparison of two objects into added/modified/removed field sets, and removal of fields.
// List and struct semantics come from list-keys.ts.

import { errors } from "../errors.ts";
import {
  type FieldPath,
  type FieldSet,
  fieldElement,
  keyElement,
  type PathElement,
  pathKey,
  pathString,
  valueElement,
} from "./fieldpath.ts";
import { clone, isJsonObject, type JsonObject, jsonEqual } from "./json-value.ts";
import {
  isAlwaysPresent,
  isAtomicStruct,
  type KindScope,
  type SsaListType,
  ssaListType,
} from "./list-keys.ts";

type Schema = readonly string[];

/** The path element naming one item of a keyed list or set. */
export function itemElement(item: unknown, rule: SsaListType, path: FieldPath, index: number): PathElement {
  const fail = (why: string) => errors.badRequest(`${pathString(path)}: element ${index}: ${why}`);
  if (rule.type === "set") {
    if (Array.isArray(item) || isJsonObject(item)) {
      throw fail("associative list without keys has an element that is not a scalar");
    }
    return valueElement(item);
  }
  if (!isJsonObject(item)) throw fail("associative list with keys may not have non-map elements");
  const key: Record<string, unknown> = {};
  for (const name of rule.type === "map" ? rule.keys : []) {
    const value = item[name] ?? (rule.type === "map" ? rule.defaults[name] : undefined);
    if (value === undefined || value === null) {
      throw fail(
        `associative list with keys has an element that omits key field "${name}" (and doesn't have default value)`,
      );
    }
    key[name] = value;
  }
  return keyElement(key);
}

interface IndexedList {
  order: PathElement[];
  items: Map<PathElement, unknown[]>;
}

function indexList(list: unknown[], rule: SsaListType, path: FieldPath): IndexedList {
  const order: PathElement[] = [];
  const items = new Map<PathElement, unknown[]>();
  list.forEach((item, i) => {
    const pe = itemElement(item, rule, path, i);
    const seen = items.get(pe);
    if (seen) seen.push(item);
    else {
      items.set(pe, [item]);
      order.push(pe);
    }
  });
  return { order, items };
}

/**
 * The fields an applied configuration sets (SMD ToFieldSet): leaves, list items and atomic values.
 * Duplicate keys in a configuration are rejected, as Kubernetes does for apply.
 */
export function toFieldSet(value: unknown, scope: KindScope): FieldSet {
  const out: FieldSet = new Set();
  const walk = (v: unknown, sp: Schema, path: PathElement[]) => {
    if (Array.isArray(v)) {
      const rule = ssaListType(sp, scope);
      if (rule.type === "atomic") return void out.add(pathKey(path));
      const { items } = indexList(v, rule, path);
      for (const [pe, dups] of items) {
        if (dups.length > 1)
          throw errors.badRequest(`${pathString(path)}: duplicate entries for key ${pathString([pe])}`);
        out.add(pathKey([...path, pe]));
        if (rule.type === "map") fields(dups[0] as JsonObject, sp, [...path, pe]);
      }
    } else if (isJsonObject(v) && !isAtomicStruct(sp, scope)) {
      fields(v, sp, path);
    } else {
      out.add(pathKey(path));
    }
  };
  const fields = (obj: JsonObject, sp: Schema, path: PathElement[]) => {
    for (const [k, v] of Object.entries(obj))
      if (v !== undefined) walk(v, [...sp, k], [...path, fieldElement(k)]);
  };
  if (isJsonObject(value)) fields(value, [], []);
  return out;
}

/** Drops null members: an explicit null in an applied configuration means "unset". */
function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (!isJsonObject(v)) return v;
  const out: JsonObject = {};
  for (const [k, child] of Object.entries(v))
    if (child !== null && child !== undefined) out[k] = withoutNulls(child);
  return out;
}

/**
 * Merges an applied configuration into the live object (SMD Merge): the configuration wins on
 * leaves and atomic values, keyed lists merge item by item in an order that keeps both sides'
 * relative order. Returns a fresh value.
 */
export function mergeApplied(live: unknown, applied: unknown, scope: KindScope): unknown {
  const merge = (l: unknown, r: unknown, sp: Schema, path: PathElement[]): unknown => {
    if (r === null) return undefined;
    if (l === undefined || l === null) return withoutNulls(clone(r));
    if (Array.isArray(l) && Array.isArray(r)) {
      const rule = ssaListType(sp, scope);
      if (rule.type === "atomic") return clone(r);
      return mergeList(l, r, rule, sp, path);
    }
    if (isJsonObject(l) && isJsonObject(r) && !isAtomicStruct(sp, scope)) {
      const out: JsonObject = clone(l);
      for (const [k, rv] of Object.entries(r)) {
        if (rv === undefined) continue;
        const m = merge(l[k], rv, [...sp, k], [...path, fieldElement(k)]);
        if (m === undefined) delete out[k];
        else out[k] = m;
      }
      return out;
    }
    return withoutNulls(clone(r));
  };

  // SMD's interleaving: walk both lists, emit shared items in the applied order, keep live-only
  // items where they were and append applied-only items after the shared item they follow.
  const mergeList = (l: unknown[], r: unknown[], rule: SsaListType, sp: Schema, path: PathElement[]) => {
    const lhs = indexList(l, rule, path);
    const lhsPEs = l.map((item, i) => itemElement(item, rule, path, i));
    const rhs = indexList(r, rule, path);
    const item = (pe: PathElement, withRhs: boolean) =>
      merge(lhs.items.get(pe)?.[0], withRhs ? rhs.items.get(pe)?.[0] : undefined, sp, [...path, pe]);
    const shared = rhs.order.filter((pe) => lhs.items.has(pe));
    let nextShared = shared.shift();
    const mergedRhs = new Set<PathElement>();
    const out: unknown[] = [];
    const push = (v: unknown) => {
      if (v !== undefined) out.push(v);
    };
    let li = 0;
    let ri = 0;
    while (li < lhsPEs.length || ri < rhs.order.length) {
      if (li < lhsPEs.length && ri < rhs.order.length) {
        const pe = lhsPEs[li];
        if (pe === rhs.order[ri]) {
          mergedRhs.add(pe);
          push(item(pe, true));
          li++;
          ri++;
          nextShared = shared.shift();
          continue;
        }
        if (rhs.items.has(pe) && nextShared !== undefined && nextShared !== pe) {
          li++;
          continue;
        }
      }
      if (li < lhsPEs.length) {
        const pe = lhsPEs[li];
        if (!rhs.items.has(pe)) {
          push(clone(l[li]));
          li++;
          continue;
        }
        if (mergedRhs.has(pe)) {
          li++;
          continue;
        }
      }
      if (ri < rhs.order.length) {
        const pe = rhs.order[ri];
        mergedRhs.add(pe);
        push(item(pe, true));
        ri++;
        if (nextShared === pe) nextShared = shared.shift();
      }
    }
    return out;
  };

  return merge(live, applied, [], []);
}

export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

/**
 * Compares two objects (SMD Compare). Leaves are added/removed/modified; a map, list or list item
 * that appears or disappears as a whole is itself added/removed, which is what gives Update
 * entries their `.` markers.
 */
export function compareObjects(lhs: unknown, rhs: unknown, scope: KindScope): Comparison {
  const c: Comparison = { added: new Set(), modified: new Set(), removed: new Set() };
  const leaf = (l: unknown, r: unknown, path: PathElement[]) => {
    if (l === undefined) c.added.add(pathKey(path));
    else if (r === undefined) c.removed.add(pathKey(path));
    else if (!jsonEqual(l, r)) c.modified.add(pathKey(path));
  };
  const node = (l: unknown, r: unknown, path: PathElement[]) => {
    if (l === undefined) c.added.add(pathKey(path));
    else if (r === undefined) c.removed.add(pathKey(path));
  };
  const kind = (v: unknown) =>
    Array.isArray(v) ? "list" : isJsonObject(v) ? "map" : v == null ? "none" : "scalar";

  const walk = (l: unknown, r: unknown, sp: Schema, path: PathElement[], isField: boolean) => {
    // Fields Go always serializes compare as present-but-null, never as added or removed.
    if (isField && isAlwaysPresent(sp, scope)) {
      l ??= null;
      r ??= null;
    }
    const lk = kind(l);
    const rk = kind(r);
    if (lk !== "none" && rk !== "none" && lk !== rk) {
      walk(l, undefined, sp, path, false);
      walk(undefined, r, sp, path, false);
      const key = pathKey(path);
      if (c.added.delete(key) && c.removed.delete(key)) c.modified.add(key);
      return;
    }
    const k = lk === "none" ? rk : lk;
    if (k === "list") {
      const la = (l ?? []) as unknown[];
      const ra = (r ?? []) as unknown[];
      const rule = ssaListType(sp, scope);
      if (rule.type === "atomic" || (la.length === 0 && ra.length === 0)) return leaf(l, r, path);
      const li = indexList(la, rule, path);
      const ri = indexList(ra, rule, path);
      for (const pe of new Set([...li.order, ...ri.order])) {
        const lItems = li.items.get(pe) ?? [];
        const rItems = ri.items.get(pe) ?? [];
        const p = [...path, pe];
        if (lItems.length <= 1 && rItems.length <= 1) {
          if (rule.type === "set") leaf(lItems[0], rItems[0], p);
          else walk(lItems[0], rItems[0], sp, p, false);
        } else if (!jsonEqual(lItems, rItems)) {
          c.modified.add(pathKey(p));
        }
      }
      return node(l, r, path);
    }
    if (k === "map") {
      const lm = (l ?? {}) as JsonObject;
      const rm = (r ?? {}) as JsonObject;
      const keys = new Set([...Object.keys(lm), ...Object.keys(rm)]);
      if (isAtomicStruct(sp, scope) || keys.size === 0) return leaf(l, r, path);
      for (const key of keys) walk(lm[key], rm[key], [...sp, key], [...path, fieldElement(key)], true);
      return node(l, r, path);
    }
    leaf(l, r, path);
  };
  walk(lhs, rhs, [], [], false);
  return c;
}
