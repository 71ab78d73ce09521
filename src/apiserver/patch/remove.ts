// Removing fields from an object by field path, as server-side apply does when a manager stops
// applying something: keyed items are found by their key, containers emptied by a removal go with
// it, and struct fields nobody owns anything under any more are dropped as well.

import { difference, type FieldSet, keyPath, type PathElement, pathKey, withAncestors } from "./fieldpath.ts";
import { isJsonObject, type JsonObject } from "./json-value.ts";
import { type KindScope, ssaListType } from "./list-keys.ts";
import { itemElement } from "./typed.ts";

/**
 * Removes the given paths from an object in place. A list or map emptied by a removal disappears
 * too, as SMD's RemoveItems leaves it null. Returns the paths actually removed.
 */
export function removePaths(obj: JsonObject, paths: FieldSet, scope: KindScope): PathElement[][] {
  const removed: PathElement[][] = [];
  for (const key of paths) {
    const path = keyPath(key);
    if (removeOne(obj, path, scope)) removed.push(path);
  }
  return removed;
}

function removeOne(root: JsonObject, path: PathElement[], scope: KindScope): boolean {
  const containers: { parent: unknown; key: string | number }[] = [];
  let cur: unknown = root;
  const sp: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const pe = path[i];
    const last = i === path.length - 1;
    if (pe.startsWith("f:")) {
      const name = pe.slice(2);
      if (!isJsonObject(cur) || !Object.hasOwn(cur, name)) return false;
      sp.push(name);
      if (last) {
        delete cur[name];
        cleanupEmpty(cur, containers);
        return true;
      }
      containers.push({ parent: cur, key: name });
      cur = cur[name];
    } else {
      if (!Array.isArray(cur)) return false;
      const rule = ssaListType(sp, scope);
      if (rule.type === "atomic") return false;
      const list = cur;
      const index = list.findIndex((item, j) => itemElement(item, rule, path.slice(0, i), j) === pe);
      if (index < 0) return false;
      if (last) {
        for (let j = list.length - 1; j >= 0; j--) {
          if (itemElement(list[j], rule, path.slice(0, i), j) === pe) list.splice(j, 1);
        }
        cleanupEmpty(list, containers);
        return true;
      }
      containers.push({ parent: list, key: index });
      cur = list[index];
    }
  }
  return false;
}

function cleanupEmpty(container: unknown, chain: { parent: unknown; key: string | number }[]): void {
  const empty = Array.isArray(container)
    ? container.length === 0
    : Object.keys(container as JsonObject).length === 0;
  const holder = chain[chain.length - 1];
  if (!empty || !holder || !isJsonObject(holder.parent)) return;
  delete holder.parent[holder.key as string];
}

/**
 * Removes what the manager applied last time but no longer does, unless someone still owns it.
 * A struct field left with nothing anyone owns goes too (SMD treats named fields as owned by
 * their descendants' owners), so defaults are re-derived rather than left orphaned.
 */
export function prune(obj: JsonObject, lastSet: FieldSet, owned: FieldSet, scope: KindScope): void {
  const removed = removePaths(obj, difference(lastSet, owned), scope);
  const ownedOrAbove = withAncestors(owned);
  for (const path of removed) {
    for (let depth = path.length - 1; depth >= 1; depth--) {
      const ancestor = path.slice(0, depth);
      if (!ancestor[depth - 1].startsWith("f:")) break;
      if (depth === 1 && ["f:metadata", "f:apiVersion", "f:kind"].includes(ancestor[0])) break;
      if (ownedOrAbove.has(pathKey(ancestor))) break;
      removePaths(obj, new Set([pathKey(ancestor)]), scope);
    }
  }
}
