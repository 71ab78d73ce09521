// List ordering for strategic merge patch (apimachinery's normalizeElementOrder and friends):
// after a merge, items named in the patch (or its $setElementOrder list) take the patch's order,
// server-only items keep theirs, and the two are interleaved by the live list's order.

import { isJsonObject, type JsonObject } from "./json-value.ts";

/** A strategic merge patch the server cannot apply; reported as 400 Bad Request. */
export class SmpError extends Error {}

export const noMergeKey = (item: unknown, key: string) =>
  new SmpError(`map: ${JSON.stringify(item)} does not contain declared merge key: ${key}`);

/** The merge-key value of an item (maps) or the item itself (primitives). */
function identity(item: unknown, mergeKey: string | undefined): unknown {
  if (!mergeKey) return item;
  if (!isJsonObject(item) || !Object.hasOwn(item, mergeKey)) throw noMergeKey(item, mergeKey);
  return item[mergeKey];
}

function indexIn(list: readonly unknown[], item: unknown, mergeKey: string | undefined): number {
  const id = identity(item, mergeKey);
  return list.findIndex((x) => (mergeKey ? isJsonObject(x) && x[mergeKey] === id : x === id));
}

/** Splits `items` into those named in `by` and the rest, keeping relative order. */
export function partition(
  items: readonly unknown[],
  by: readonly unknown[],
  mergeKey: string | undefined,
): [unknown[], unknown[]] {
  const named: unknown[] = [];
  const rest: unknown[] = [];
  for (const item of items) (indexIn(by, item, mergeKey) >= 0 ? named : rest).push(item);
  return [named, rest];
}

const isDeleteItem = (v: unknown) => isJsonObject(v) && v.$patch === "delete";

function sortByOrder(toSort: unknown[], order: readonly unknown[], mergeKey: string | undefined): unknown[] {
  let deletes: unknown[] = [];
  let items = toSort;
  if (mergeKey) {
    for (const v of [...toSort, ...order]) identity(v, mergeKey);
    deletes = toSort.filter(isDeleteItem);
    items = toSort.filter((v) => !isDeleteItem(v));
  }
  const pos = (v: unknown) => {
    const i = indexIn(order, v, mergeKey);
    return i < 0 ? Number.MAX_SAFE_INTEGER : i;
  };
  return [...items].sort((a, b) => pos(a) - pos(b)).concat(deletes);
}

/**
 * Orders the patch items by `patchOrder` and the server-only items by `serverOrder`, then merges
 * the two: a server-only item goes before the next patch item only when the live list had it
 * first, so items new to the server lead (as Kubernetes does).
 */
export function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: readonly unknown[],
  serverOrder: readonly unknown[],
  mergeKey: string | undefined,
): unknown[] {
  const right = sortByOrder(patchItems, patchOrder, mergeKey);
  const left = sortByOrder(serverOnly, serverOrder, mergeKey);
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey);
      const ri = indexIn(serverOrder, right[j], mergeKey);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

/**
 * Checks that the patch list's items appear in the $setElementOrder list, in the same relative
 * order (deletions aside).
 */
export function validateSetElementOrder(
  patchList: readonly unknown[],
  order: readonly unknown[],
  mergeKey: string | undefined,
): void {
  if (order.length === 0 || patchList.length === 0) return;
  const items = mergeKey ? patchList.filter((v) => !isDeleteItem(v)) : patchList;
  let p = 0;
  let s = 0;
  while (p < items.length && s < order.length) {
    if (isJsonObject(items[p]) && Object.hasOwn(items[p] as JsonObject, "$patch")) {
      p++;
      continue;
    }
    if (identity(items[p], mergeKey) === identity(order[s], mergeKey)) p++;
    s++;
  }
  if (p < items.length && s >= order.length) {
    throw new SmpError(
      `the order in patch list:\n${JSON.stringify(patchList)}\n doesn't match $setElementOrder list:\n${JSON.stringify(order)}`,
    );
  }
}

/** Go's in-place scalar de-duplication (a later duplicate is replaced by the last element). */
export function deduplicateScalars(list: readonly unknown[]): unknown[] {
  const s = [...list];
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (s[i] === s[j]) {
        s[j] = s[length];
        s.length = length;
        length--;
        j--;
      }
    }
  }
  return s;
}
