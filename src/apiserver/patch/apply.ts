// Server-side apply (application/apply-patch+yaml): merges a manager's applied configuration into
// the live object, records what the manager owns in managedFields, removes what it stopped
// applying (when nobody else owns it) and refuses to overwrite other managers' fields unless forced.

import { parse, type Tags } from "yaml";
import type { KubeObject } from "../../apis/meta/types.ts";
import { type ApiError, type ErrorTarget, errors, type StatusCause } from "../errors.ts";
import { difference, type FieldSet, intersection, pathString, sortedPaths, union } from "./fieldpath.ts";
import { clone, isJsonObject, type JsonObject } from "./json-value.ts";
import {
  type ManagerEntry,
  type Managers,
  managerId,
  managersOf,
  recordUpdate,
  setManagedFields,
  stripIdentity,
  type TrackingScope,
  trackedView,
} from "./managed-fields.ts";
import { prune } from "./remove.ts";
import { compareObjects, mergeApplied, toFieldSet } from "./typed.ts";

export interface ApplyOptions {
  /** The stored object, or undefined when the apply creates it. */
  live: KubeObject | undefined;
  /** The applied configuration: the manager's full intent for the fields it cares about. */
  applied: unknown;
  manager: string;
  force: boolean;
  /** The request's apiVersion (group/version of the endpoint). */
  apiVersion: string;
  /** RFC 3339 time stamped on the entries this request changes. */
  now: string;
  subresource?: string;
  /** Built-in kind (default true): enables the built-in list-key knowledge. */
  builtin?: boolean;
  /** The kind has a /status subresource (default true), so the main resource ignores status. */
  statusSubresource?: boolean;
  /** What to name in a conflict's Status details. */
  target?: ErrorTarget;
}

/** The manager Kubernetes invents to own the fields of an object first applied without managedFields. */
export const BEFORE_FIRST_APPLY = "before-first-apply";

// Kubernetes decodes apply bodies with go-yaml's YAML 1.1 rules (yes/on are booleans, 0755 is
// octal) but, decoding into untyped maps, keeps timestamps and 12:30-style numbers as strings.
const goYamlTags = (tags: Tags): Tags =>
  tags.filter((t) =>
    typeof t === "string"
      ? !["timestamp", "intTime", "floatTime"].includes(t)
      : t.tag !== "tag:yaml.org,2002:timestamp" && !("format" in t && t.format === "TIME"),
  );

/** Decodes an apply body (YAML, or JSON which is YAML) into one object. */
export function parseApplyBody(body: string | Uint8Array): unknown {
  const text = typeof body === "string" ? body : new TextDecoder().decode(body);
  let doc: unknown;
  try {
    doc = parse(text, { version: "1.1", customTags: goYamlTags });
  } catch (err) {
    throw errors.badRequest(`error decoding YAML: ${(err as Error).message}`);
  }
  if (!isJsonObject(doc))
    throw errors.badRequest("error decoding YAML: the applied configuration must be an object");
  return doc;
}

/** Applying to an object that does not exist must fully identify the object to create. */
export function applyCreateValidation(applied: unknown): asserts applied is KubeObject {
  if (!isJsonObject(applied)) throw errors.badRequest("the applied configuration must be an object");
  if (typeof applied.apiVersion !== "string" || !applied.apiVersion) {
    throw errors.badRequest("apiVersion must be set in an applied configuration");
  }
  if (typeof applied.kind !== "string" || !applied.kind) {
    throw errors.badRequest("kind must be set in an applied configuration");
  }
  const meta = isJsonObject(applied.metadata) ? applied.metadata : {};
  if (typeof meta.name !== "string" || !meta.name) {
    const group = applied.apiVersion.includes("/") ? applied.apiVersion.split("/")[0] : "";
    throw errors.invalid(applied.kind, "", group, [
      { reason: "FieldValueRequired", message: "Required value: name is required", field: "metadata.name" },
    ]);
  }
}

function validate(o: ApplyOptions): JsonObject {
  if (!o.manager)
    throw errors.badRequest("PATCH, application/apply-patch+yaml requires fieldManager parameter");
  if (!o.live) applyCreateValidation(o.applied);
  const applied = o.applied;
  if (!isJsonObject(applied)) throw errors.badRequest("the applied configuration must be an object");
  if (applied.apiVersion !== o.apiVersion) {
    throw errors.badRequest(
      `Incorrect version specified in apply patch. Specified patch version: ${String(applied.apiVersion ?? "")}, expected: ${o.apiVersion}`,
    );
  }
  if (typeof applied.kind !== "string" || (o.live && applied.kind !== o.live.kind)) {
    throw errors.badRequest(`the applied configuration's kind must be ${o.live?.kind ?? "set"}`);
  }
  if (isJsonObject(applied.metadata) && applied.metadata.managedFields != null) {
    throw errors.badRequest("metadata.managedFields must be nil");
  }
  return applied;
}

/** What the request may merge: only status through /status, everything but status otherwise. */
function mergeInput(applied: JsonObject, scope: TrackingScope): JsonObject {
  if (scope.subresource === "status") return applied.status === undefined ? {} : { status: applied.status };
  const input = clone(applied);
  if (scope.statusSubresource) delete input.status;
  if (isJsonObject(input.metadata)) delete input.metadata.managedFields;
  return input;
}

/** Applies a configuration; returns the object to store with its updated managedFields. */
export function serverSideApply(o: ApplyOptions): KubeObject {
  const applied = validate(o);
  const scope: TrackingScope = {
    builtin: o.builtin ?? true,
    subresource: o.subresource,
    statusSubresource: o.statusSubresource ?? true,
  };
  const live: JsonObject = o.live ? clone(o.live) : {};
  if (isJsonObject(live.metadata)) delete live.metadata.managedFields;
  let managers = managersOf(o.live);
  if (o.live && managers.size === 0) {
    // Whatever exists before the first apply is owned by a stand-in, so the apply can conflict with it.
    const who = { manager: BEFORE_FIRST_APPLY, apiVersion: o.apiVersion, now: o.now };
    managers = recordUpdate(managers, {}, trackedView(live, scope), who, scope);
  }

  const ownedNow = toFieldSet(trackedView(applied, scope), scope);
  const id = managerId({
    manager: o.manager,
    operation: "Apply",
    apiVersion: o.apiVersion,
    subresource: o.subresource,
  });
  const previous = managers.get(id);
  const others = [...managers].filter(([key]) => key !== id);

  const merged = mergeApplied(live, mergeInput(applied, scope), scope) as JsonObject;
  if (previous) prune(merged, previous.set, union(ownedNow, ...others.map(([, e]) => e.set)), scope);

  const c = compareObjects(trackedView(live, scope), trackedView(merged, scope), scope);
  const changed = stripIdentity(union(c.added, c.modified));
  const removed = stripIdentity(c.removed);
  const conflicts = others
    .map(([key, e]) => ({ key, entry: e, paths: intersection(e.set, changed) }))
    .filter((x) => x.paths.size > 0);
  if (conflicts.length > 0 && !o.force) throw conflictError(conflicts, o.target ?? targetOf(merged));

  const next: Managers = new Map();
  for (const [key, e] of others) {
    const lost = conflicts.find((x) => x.key === key)?.paths ?? new Set<string>();
    const kept = difference(difference(e.set, lost), removed);
    if (kept.size > 0) next.set(key, { ...e, set: kept });
  }
  const set = stripIdentity(ownedNow);
  const unchanged = previous && changed.size === 0 && removed.size === 0 && sameSet(previous.set, set);
  next.set(id, {
    manager: o.manager,
    operation: "Apply",
    apiVersion: o.apiVersion,
    ...(o.subresource ? { subresource: o.subresource } : {}),
    time: unchanged ? previous.time : o.now,
    set,
  });
  const result = setManagedFields(merged as KubeObject, next);
  // An applier that owns nothing yet (say, a Namespace given only a name) still leaves its entry,
  // so the object stays tracked and a re-apply is a no-op instead of a "before-first-apply" takeover.
  if (set.size === 0 && !result.metadata.managedFields?.length) {
    const entry = next.get(id)!;
    result.metadata.managedFields = [
      {
        manager: entry.manager,
        operation: "Apply",
        apiVersion: entry.apiVersion,
        time: entry.time,
        fieldsType: "FieldsV1",
        fieldsV1: {},
      },
    ];
  }
  return result;
}

const sameSet = (a: FieldSet, b: FieldSet) => a.size === b.size && [...a].every((k) => b.has(k));

function targetOf(obj: JsonObject): ErrorTarget {
  const apiVersion = typeof obj.apiVersion === "string" ? obj.apiVersion : "";
  const meta = isJsonObject(obj.metadata) ? obj.metadata : {};
  return {
    group: apiVersion.includes("/") ? apiVersion.split("/")[0] : "",
    resource: typeof obj.kind === "string" ? obj.kind : "",
    ...(typeof meta.name === "string" ? { name: meta.name } : {}),
  };
}

/** How Kubernetes names a manager in conflict messages. */
export function describeManager(
  e: Pick<ManagerEntry, "manager" | "operation" | "apiVersion" | "subresource">,
): string {
  let out = JSON.stringify(e.manager);
  if (e.subresource) out += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === "Update") out += ` using ${e.apiVersion}`;
  return out;
}

function conflictError(
  conflicts: { key: string; entry: ManagerEntry; paths: FieldSet }[],
  target: ErrorTarget,
): ApiError {
  const sorted = [...conflicts].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const causes: StatusCause[] = [];
  const lines: string[] = [];
  for (const { entry, paths } of sorted) {
    const who = describeManager(entry);
    lines.push(`conflicts with ${who}:`);
    for (const path of sortedPaths(paths)) {
      causes.push({
        reason: "FieldManagerConflict",
        message: `conflict with ${who}`,
        field: pathString(path),
      });
      lines.push(`- ${pathString(path)}`);
    }
  }
  const message =
    causes.length === 1
      ? `Apply failed with 1 conflict: ${causes[0].message}: ${causes[0].field}`
      : `Apply failed with ${causes.length} conflicts: ${lines.join("\n")}`;
  return errors.applyConflict(target, message, causes);
}
