// metadata.managedFields: decoding and encoding the entries, the manager identity rules, which
// parts of an object are never tracked, and ownership tracking for ordinary writes (create,
// update, patch: operation "Update"), following the apiserver's fieldmanager chain.

import type { KubeObject, ManagedFieldsEntry } from "../../apis/meta/types.ts";
import {
  decodeFieldsV1,
  difference,
  encodeFieldsV1,
  type FieldSet,
  fieldElement,
  pathKey,
  union,
} from "./fieldpath.ts";
import { clone, isJsonObject, type JsonObject } from "./json-value.ts";
import type { KindScope } from "./list-keys.ts";
import { compareObjects } from "./typed.ts";

export interface ManagerEntry {
  manager: string;
  operation: "Apply" | "Update";
  apiVersion: string;
  subresource?: string;
  time?: string;
  set: FieldSet;
}

/** Entries keyed by manager identity (see managerId). */
export type Managers = Map<string, ManagerEntry>;

/** What part of the object a request may touch, and how lists and structs behave in it. */
export interface TrackingScope extends KindScope {
  subresource?: string;
  /** The kind has a /status subresource, so the main resource never owns status (default true). */
  statusSubresource: boolean;
}

/**
 * Kubernetes' manager identifier: appliers are one manager whatever apiVersion they use, updaters
 * are distinct per apiVersion, and both are distinct per subresource.
 */
export function managerId(
  e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">,
): string {
  return JSON.stringify({
    manager: e.manager,
    operation: e.operation,
    ...(e.operation === "Update" && e.apiVersion ? { apiVersion: e.apiVersion } : {}),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  });
}

/** Decodes stored entries; throws on anything malformed so callers can fall back to "untracked". */
export function decodeManagedFields(entries: unknown): Managers {
  const out: Managers = new Map();
  if (entries == null) return out;
  if (!Array.isArray(entries)) throw new Error("managedFields must be a list");
  for (const raw of entries) {
    if (!isJsonObject(raw)) throw new Error("managedFields entries must be objects");
    const { manager, operation, apiVersion, time, fieldsType, fieldsV1, subresource } = raw;
    if (operation !== "Apply" && operation !== "Update")
      throw new Error(`unknown operation ${String(operation)}`);
    if (fieldsType !== undefined && fieldsType !== "FieldsV1")
      throw new Error(`unknown fieldsType ${String(fieldsType)}`);
    const entry: ManagerEntry = {
      manager: typeof manager === "string" ? manager : "",
      operation,
      apiVersion: typeof apiVersion === "string" ? apiVersion : "",
      ...(typeof subresource === "string" && subresource ? { subresource } : {}),
      ...(typeof time === "string" ? { time } : {}),
      set: fieldsV1 === undefined ? new Set() : decodeFieldsV1(fieldsV1),
    };
    const id = managerId(entry);
    if (out.has(id)) throw new Error(`duplicate manager ${id}`);
    out.set(id, entry);
  }
  return out;
}

const seconds = (time?: string) => (time ? Math.floor(Date.parse(time) / 1000) || 0 : 0);

/** Encodes entries in the apiserver's order: Apply before Update, then by time, manager, version. */
export function encodeManagedFields(managers: Managers): ManagedFieldsEntry[] {
  const entries = [...managers.values()].filter((e) => e.set.size > 0);
  entries.sort(
    (p, q) =>
      cmp(p.operation, q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      cmp(p.manager, q.manager) ||
      cmp(p.apiVersion, q.apiVersion) ||
      cmp(p.subresource ?? "", q.subresource ?? ""),
  );
  return entries.map((e) => ({
    manager: e.manager,
    operation: e.operation,
    apiVersion: e.apiVersion,
    ...(e.time ? { time: e.time } : {}),
    fieldsType: "FieldsV1",
    fieldsV1: encodeFieldsV1(e.set),
    ...(e.subresource ? { subresource: e.subresource } : {}),
  }));
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

// Server-set metadata: never part of anyone's intent, so left out of every comparison.
const SERVER_METADATA = [
  "managedFields",
  "resourceVersion",
  "uid",
  "creationTimestamp",
  "generation",
  "selfLink",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
];

// Identity fields every request carries; Kubernetes strips them from every manager's set.
const STRIPPED = new Set(
  [["apiVersion"], ["kind"], ["metadata"], ["metadata", "name"], ["metadata", "namespace"]].map((p) =>
    pathKey(p.map(fieldElement)),
  ),
);

export const stripIdentity = (set: FieldSet): FieldSet => difference(set, STRIPPED);

/** The part of an object whose fields are tracked for a request to the main resource or a subresource. */
export function trackedView(obj: unknown, scope: TrackingScope): JsonObject {
  if (!isJsonObject(obj)) return {};
  if (scope.subresource === "status") return obj.status === undefined ? {} : { status: clone(obj.status) };
  const view = clone(obj);
  if (scope.statusSubresource) delete view.status;
  if (isJsonObject(view.metadata)) for (const f of SERVER_METADATA) delete view.metadata[f];
  return view;
}

export interface UpdateRecord {
  manager: string;
  apiVersion: string;
  subresource?: string;
  now: string;
}

/**
 * Records a non-apply write: the manager gains every field the request added or changed (taking it
 * from whoever held it), and fields the request removed are dropped from every manager.
 */
export function recordUpdate(
  managers: Managers,
  before: unknown,
  after: unknown,
  who: UpdateRecord,
  scope: TrackingScope,
): Managers {
  const c = compareObjects(before, after, scope);
  const changed = stripIdentity(union(c.added, c.modified));
  const removed = stripIdentity(c.removed);
  const id = managerId({ ...who, operation: "Update" });
  const out: Managers = new Map();
  for (const [key, e] of managers) {
    const kept = difference(key === id ? e.set : difference(e.set, changed), removed);
    if (kept.size > 0) out.set(key, { ...e, set: kept });
  }
  if (changed.size > 0) {
    out.set(id, {
      manager: who.manager,
      operation: "Update",
      apiVersion: who.apiVersion,
      ...(who.subresource ? { subresource: who.subresource } : {}),
      time: who.now,
      set: union(out.get(id)?.set ?? new Set(), changed),
    });
  }
  return out;
}

/** Decoded entries of an object, or an empty map when they are missing or malformed. */
export function managersOf(obj: KubeObject | undefined): Managers {
  try {
    return decodeManagedFields(obj?.metadata?.managedFields);
  } catch {
    return new Map();
  }
}

/** Writes entries onto an object's metadata (none at all when no manager is left). */
export function setManagedFields(obj: KubeObject, managers: Managers): KubeObject {
  const entries = encodeManagedFields(managers);
  obj.metadata ??= {};
  if (entries.length > 0) obj.metadata.managedFields = entries;
  else delete obj.metadata.managedFields;
  return obj;
}

export interface TrackUpdateOptions {
  /** The stored object; undefined for a create. */
  live: KubeObject | undefined;
  /** The object about to be stored (after patching/defaulting). */
  updated: KubeObject;
  manager: string;
  operation?: "Update";
  apiVersion: string;
  /** RFC 3339 time stamped on the entry when the request changed something. */
  now: string;
  subresource?: string;
  /** Built-in kind (default true): enables the built-in list-key knowledge. */
  builtin?: boolean;
  statusSubresource?: boolean;
}

// A request may reset managedFields by sending [] (or one empty entry), as kubectl can.
function isReset(entries: unknown): boolean {
  if (!Array.isArray(entries)) return false;
  return (
    entries.length === 0 ||
    (entries.length === 1 && isJsonObject(entries[0]) && !Object.keys(entries[0]).length)
  );
}

/** Ownership tracking for create/update/patch; returns the object to store with its managedFields. */
export function trackUpdate(o: TrackUpdateOptions): KubeObject {
  const scope: TrackingScope = {
    builtin: o.builtin ?? true,
    subresource: o.subresource,
    statusSubresource: o.statusSubresource ?? true,
  };
  const result = clone(o.updated);
  result.metadata ??= {};
  const requested = result.metadata.managedFields;
  delete result.metadata.managedFields;
  // Requests may set managedFields directly, except through subresources; an empty or
  // undecodable list falls back to the stored entries so naive clients cannot wipe them.
  let managers: Managers;
  if (o.subresource) managers = managersOf(o.live);
  else if (isReset(requested)) managers = new Map();
  else {
    managers = managersOf(o.updated);
    if (managers.size === 0) managers = managersOf(o.live);
  }
  // An existing object nobody tracks stays untracked; only creates start tracking.
  if (managers.size === 0 && o.live?.metadata?.uid) return result;
  const who = { manager: o.manager, apiVersion: o.apiVersion, subresource: o.subresource, now: o.now };
  const next = recordUpdate(
    managers,
    trackedView(o.live ?? {}, scope),
    trackedView(result, scope),
    who,
    scope,
  );
  return setManagedFields(result, next);
}
