// What the applier does to one object in the member: apply a manifest (with conflict detection,
// adoption and retained fields), check one for drift (re-applying only when the hub's fields
// changed or the object is gone), and remove one (delete, or orphan). Each turns every failure
// into a status or a "retry later", never an exception, so one bad manifest never stops the rest.
import type { Logger } from "pino";
import type { KubeObject } from "../apis/meta/types.ts";
import {
  CONFLICT_ANNOTATION,
  FIELD_MANAGER,
  isManagedByMcp,
  MANAGED_LABEL,
  type ManifestId,
  manifestId,
  manifestRevision,
} from "../propagation/identity.ts";
import {
  failureMessage,
  isUnreachable,
  MemberApiError,
  type MemberObjectApi,
  UnknownKindError,
  warningsOf,
} from "./client.ts";
import { diffPaths, hubOwned, project, retainedPaths } from "./drift.ts";
import { healthOf } from "./health.ts";
import { deletePath, getPath, type PathSegment, setPath } from "./paths.ts";
import { deleteAndWait, immutableFields, recreatesOnImmutableChange } from "./recreate.ts";
import type { ManifestStatus, Tombstone } from "./types.ts";

export interface OpContext {
  api: MemberObjectApi;
  log: Logger;
  /**
   * Set when the member stopped answering during this run (the applier clears it per run): the
   * operations after it fail at once instead of each waiting for its own timeout.
   */
  down?: unknown;
  /** How long a re-create waits for the old object to go (see src/member-apply/recreate.ts). */
  recreateTimeoutMs?: number;
}

export interface Outcome {
  status: ManifestStatus;
  /** The hub-owned fields as the member stored them after MCP's apply (drift is judged against it). */
  baseline?: unknown;
  /** The object is MCP's in the member (created, adopted, or found in the inventory). */
  owned: boolean;
  /** Hub-owned fields found changed in the member (and re-applied). */
  drift?: string[];
  /** The member does not serve the kind (yet): worth retrying right after CRDs were applied. */
  unknownKind?: boolean;
  /** A resync could not read the object: what was known before still stands. */
  unread?: boolean;
  /**
   * Set when an apply was sent: the Warning headers the member answered with (fields it does not
   * know and dropped, deprecated APIs); empty when it sent none.
   */
  warnings?: string[];
}

/** Marks a drift for a manifest whose object was deleted in the member (and re-created). */
export const DELETED_DRIFT = "(deleted)";

/** Metadata the apiserver sets; never part of an applied configuration. */
const SERVER_METADATA = [
  "uid",
  "resourceVersion",
  "generation",
  "creationTimestamp",
  "deletionTimestamp",
  "deletionGracePeriodSeconds",
  "managedFields",
  "selfLink",
] as const;

function identifier(m: KubeObject): ManifestStatus["identifier"] {
  return manifestId(m);
}

function baseStatus(m: KubeObject): ManifestStatus {
  const revision = manifestRevision(m);
  return { identifier: identifier(m), ...(revision ? { revision } : {}) };
}

function kindLabel(m: KubeObject): string {
  const ns = m.metadata.namespace ? `${m.metadata.namespace}/` : "";
  return `${m.kind} ${ns}${m.metadata.name}`;
}

function failed(ctx: OpContext, m: KubeObject, e: unknown, owned: boolean): Outcome {
  if (isUnreachable(e)) ctx.down ??= e;
  const message = failureMessage(ctx.api, e);
  return {
    status: { ...baseStatus(m), applied: false, reason: "ApplyFailed", message },
    owned,
    ...(e instanceof UnknownKindError ? { unknownKind: true } : {}),
  };
}

/**
 * Server-side apply refused to take fields other managers own (409, causes FieldManagerConflict):
 * only possible without force, i.e. for an object MCP neither manages nor adopts, created by
 * someone else between MCP's read and its apply.
 */
function fieldConflict(m: KubeObject, e: MemberApiError): Outcome {
  const message =
    `${kindLabel(m)} was created in the member by someone else while MCP created it, and MCP does ` +
    `not take over others' fields unless told to (conflictResolution: Overwrite): ${e.message}`;
  return { status: { ...baseStatus(m), applied: false, reason: "Conflict", message }, owned: false };
}

function conflict(m: KubeObject): Outcome {
  const message =
    `${kindLabel(m)} already exists in the member and was not created by MCP (it has no label ` +
    `${MANAGED_LABEL}=true), so it was left alone; to adopt it, set conflictResolution: Overwrite ` +
    `(annotation ${CONFLICT_ANNOTATION}: Overwrite)`;
  return { status: { ...baseStatus(m), applied: false, reason: "Conflict", message }, owned: false };
}

function isNamespace(m: KubeObject): boolean {
  return m.apiVersion === "v1" && m.kind === "Namespace";
}

/**
 * A Namespace the member already had is used as it is, not adopted: objects MCP places go into it,
 * but MCP neither changes it nor deletes it later (it stays out of the inventory).
 */
function existingNamespace(m: KubeObject, live: KubeObject): Outcome {
  const message =
    `${kindLabel(m)} already existed in the member and was not created by MCP: it is used as it ` +
    `is and will not be deleted by MCP; to adopt it, set conflictResolution: Overwrite`;
  return { status: { ...applied(m, live), reason: "AlreadyExists", message }, owned: false };
}

function applied(m: KubeObject, live: KubeObject): ManifestStatus {
  return { ...baseStatus(m), applied: true, ...healthOf(live) };
}

/**
 * The configuration sent with server-side apply: the manifest without server-set metadata and
 * status. Once the object exists, each retained path carries the member's own value (or is left
 * out when the member has none): leaving a field out of an apply would remove it when MCP is its
 * only owner, so the member's value is applied back, which changes nothing.
 */
export function appliedConfiguration(
  m: KubeObject,
  live: KubeObject | undefined,
  retained: readonly PathSegment[][],
): KubeObject {
  const c = structuredClone(m);
  for (const k of SERVER_METADATA) delete (c.metadata as Record<string, unknown>)[k];
  delete c.status;
  if (live)
    for (const p of retained) {
      const v = getPath(live, p);
      if (v === undefined) deletePath(c, p);
      else setPath(c, p, structuredClone(v));
    }
  return c;
}

export interface ApplyInput {
  /** In MCP's inventory: no conflict check needed. */
  owned: boolean;
  /** The live object when already read; null: known not to exist; undefined: not read. */
  live?: KubeObject | null;
  signal?: AbortSignal;
  /** This apply follows a re-create: a second refusal is reported, not re-created again. */
  recreated?: boolean;
}

export async function applyManifest(ctx: OpContext, m: KubeObject, o: ApplyInput): Promise<Outcome> {
  if (ctx.down) return failed(ctx, m, ctx.down, o.owned);
  const retained = retainedPaths(m);
  try {
    let live = o.live;
    // Reading first is needed to detect a conflict and to keep retained fields.
    if (live === undefined && (!o.owned || retained.length > 0))
      live = (await ctx.api.get(manifestId(m), o.signal)) ?? null;
    const overwrite = m.metadata.annotations?.[CONFLICT_ANNOTATION] === "Overwrite";
    const mine = o.owned || (live ? isManagedByMcp(live) : false);
    if (live && !mine && !overwrite) return isNamespace(m) ? existingNamespace(m, live) : conflict(m);
    // Forcing takes every field MCP sends from whoever owned it: right for an object that is MCP's
    // (drift is reverted) or that it adopts, not for one it only means to create.
    const force = mine || overwrite;
    const after = await ctx.api.apply(appliedConfiguration(m, live ?? undefined, retained), {
      force,
      signal: o.signal,
    });
    return {
      status: applied(m, after),
      baseline: project(after, hubOwned(m, retained)),
      owned: true,
      warnings: warningsOf(after),
    };
  } catch (e) {
    if (
      e instanceof MemberApiError &&
      e.code === 409 &&
      e.causes.some((c) => c.reason === "FieldManagerConflict")
    )
      return fieldConflict(m, e);
    const immutable = immutableFields(e);
    if (immutable.length > 0 && !o.recreated)
      return immutableChange(ctx, m, o, e as MemberApiError, immutable);
    return failed(ctx, m, e, o.owned);
  }
}

/**
 * The member cannot change `fields` in place. With `immutableFieldChange: Recreate` on an object
 * MCP owns (or adopts), it is deleted and created again; otherwise the member's 422 is reported
 * with what would resolve it.
 */
async function immutableChange(
  ctx: OpContext,
  m: KubeObject,
  o: ApplyInput,
  e: MemberApiError,
  fields: string[],
): Promise<Outcome> {
  const overwrite = m.metadata.annotations?.[CONFLICT_ANNOTATION] === "Overwrite";
  if (!recreatesOnImmutableChange(m) || !(o.owned || overwrite)) {
    const out = failed(ctx, m, e, o.owned);
    out.status.message =
      `${out.status.message} (${fields.join(", ")} cannot be changed in place; set ` +
      `immutableFieldChange: Recreate in the policy to have MCP delete and re-create the object)`;
    return out;
  }
  try {
    const gone = await deleteAndWait(ctx.api, m, { signal: o.signal, timeoutMs: ctx.recreateTimeoutMs });
    if (!gone) {
      const message =
        `${kindLabel(m)} is being deleted to be re-created (${fields.join(", ")} cannot be changed ` +
        `in place); it is applied again once it is gone`;
      return { status: { ...baseStatus(m), applied: false, reason: "Recreating", message }, owned: true };
    }
  } catch (err) {
    return failed(ctx, m, err, o.owned);
  }
  ctx.log.info({ object: manifestId(m), fields }, "re-creating an object whose immutable fields changed");
  const out = await applyManifest(ctx, m, { owned: true, live: null, signal: o.signal, recreated: true });
  if (out.status.applied)
    out.status.message = `re-created in the member: ${fields.join(", ")} cannot be changed in place`;
  return out;
}

export interface CheckInput {
  owned: boolean;
  /** What the member stored after MCP's last apply of this manifest, when known. */
  baseline?: unknown;
  /** The last apply of this manifest failed: apply again. */
  retry: boolean;
  signal?: AbortSignal;
}

/** Resync of one manifest: read it, and re-apply only if it is gone, drifted or failed before. */
export async function checkManifest(ctx: OpContext, m: KubeObject, o: CheckInput): Promise<Outcome> {
  let live: KubeObject | undefined;
  try {
    if (ctx.down) throw ctx.down;
    live = await ctx.api.get(manifestId(m), o.signal);
  } catch (e) {
    return { ...failed(ctx, m, e, o.owned), unread: true };
  }
  if (!live) {
    const out = await applyManifest(ctx, m, { owned: o.owned, live: null, signal: o.signal });
    // Only an object MCP had put there can have been deleted behind its back.
    return o.owned && out.status.applied ? { ...out, drift: [DELETED_DRIFT] } : out;
  }
  const apply = () => applyManifest(ctx, m, { owned: o.owned, live, signal: o.signal });
  if (o.retry || (!o.owned && !isManagedByMcp(live))) return apply();
  const owned = hubOwned(m, retainedPaths(m));
  const now = project(live, owned);
  if (o.baseline !== undefined) {
    const changed = diffPaths(o.baseline, now);
    if (changed.length === 0) return { status: applied(m, live), baseline: o.baseline, owned: true };
    const out = await apply();
    return out.status.applied ? { ...out, drift: changed } : out;
  }
  // No baseline (the applier restarted): the member matches the manifest, or a re-apply tells
  // what differed (a normalized value comes back the same and is no drift).
  if (diffPaths(project(m, owned), now).length === 0)
    return { status: applied(m, live), baseline: now, owned: true };
  const out = await apply();
  if (!out.status.applied) return out;
  const changed = diffPaths(now, out.baseline);
  return changed.length ? { ...out, drift: changed } : out;
}

/**
 * Removes an object MCP manages: deletes it, or (orphan) strips MCP's label and annotations and
 * leaves it. An object that is gone, or not MCP's, counts as removed. False: try again later.
 */
export async function removeObject(ctx: OpContext, t: Tombstone, signal?: AbortSignal): Promise<boolean> {
  const id: ManifestId = manifestId(t);
  if (ctx.down) return false;
  try {
    const live = await ctx.api.get(id, signal);
    if (!live) return true;
    if (!isManagedByMcp(live)) {
      ctx.log.info({ object: id }, "not removing an object MCP does not manage");
      return true;
    }
    if (t.orphan) await ctx.api.patchObject(id, orphanPatch(live), { fieldManager: FIELD_MANAGER, signal });
    else await ctx.api.deleteObject(id, { uid: live.metadata.uid, signal });
    return true;
  } catch (e) {
    // A kind the member no longer serves has no objects left to remove.
    if (e instanceof UnknownKindError) return true;
    if (isUnreachable(e)) ctx.down ??= e;
    ctx.log.warn({ object: id, err: failureMessage(ctx.api, e) }, "cannot remove an object yet; will retry");
    return false;
  }
}

/** A merge patch removing MCP's label and every mcp.platform/ annotation. */
function orphanPatch(live: KubeObject): unknown {
  const annotations = Object.keys(live.metadata.annotations ?? {}).filter((k) =>
    k.startsWith("mcp.platform/"),
  );
  return {
    metadata: {
      labels: { [MANAGED_LABEL]: null },
      ...(annotations.length ? { annotations: Object.fromEntries(annotations.map((k) => [k, null])) } : {}),
    },
  };
}
