// POST (create) and PUT (update) of objects, plus the shared "store this change" path that
// validation, admission, managed fields and dry-run all go through.
import type { KubeObject } from "../../apis/meta/types.ts";
import { isObject } from "../../apis/meta/types.ts";
import { errors } from "../errors.ts";
import { bodyFormat, decodeBody, readBody } from "../http/body.ts";
import { writeBody } from "../http/respond.ts";
import { parseResourceVersion } from "../registry/object-store.ts";
import { apiVersionOf } from "../resources/resource-type.ts";
import { parseFieldValidation, validateObject } from "../validation/object.ts";
import { dryRun, fieldManager, type RequestContext } from "./context.ts";
import { trackManagedFields } from "./patching.ts";
import {
  nowRfc3339,
  prepareForCreate,
  prepareForStatusUpdate,
  prepareForUpdate,
  unchanged,
} from "./prepare.ts";
import { renderObject } from "./render.ts";

/** Reads and decodes the body of a POST/PUT as one object of the request's kind. */
export async function readObject(ctx: RequestContext): Promise<KubeObject> {
  const format = bodyFormat(ctx.req.headers["content-type"], false);
  const value = decodeBody(await readBody(ctx.req, ctx.deps.maxBodyBytes), format);
  return checkObjectShape(ctx, value);
}

export function checkObjectShape(ctx: RequestContext, value: unknown): KubeObject {
  if (!isObject(value)) throw errors.badRequest("the request body must be a JSON or YAML object");
  const want = apiVersionOf(ctx.rt);
  if (typeof value.kind !== "string" || value.kind === "")
    throw errors.badRequest(`Object 'Kind' is missing in the request body`, [
      { reason: "FieldValueRequired", field: "kind", message: "Required value" },
    ]);
  if (typeof value.apiVersion !== "string" || value.apiVersion === "")
    throw errors.badRequest(`Object 'apiVersion' is missing in the request body`, [
      { reason: "FieldValueRequired", field: "apiVersion", message: "Required value" },
    ]);
  if (value.apiVersion !== want || value.kind !== ctx.rt.kind)
    throw errors.badRequest(
      `the API version in the data (${value.apiVersion}) or kind (${value.kind}) does not match the expected ${want}, Kind=${ctx.rt.kind}`,
    );
  if (value.metadata === undefined) value.metadata = {};
  if (!isObject(value.metadata))
    throw errors.badRequest("metadata must be an object", [
      { reason: "FieldValueInvalid", field: "metadata", message: "Invalid value: must be an object" },
    ]);
  const ns = value.metadata.namespace;
  if (ctx.rt.namespaced && ns !== undefined && ns !== "" && ns !== ctx.info.namespace)
    throw errors.badRequest(
      "the namespace of the provided object does not match the namespace sent on the request",
    );
  return value as KubeObject;
}

export interface StoreChange {
  operation: "CREATE" | "UPDATE";
  obj: KubeObject;
  old?: KubeObject;
  /** The revision the update is conditional on (the old object's). */
  expectedRv?: number;
  /** Managed fields were already computed (server-side apply). */
  managedFieldsDone?: boolean;
}

/** Validates, admits and stores a prepared change. Returns the stored object (or, on dry-run, what would be). */
export async function commitChange(ctx: RequestContext, change: StoreChange): Promise<KubeObject> {
  const { rt, deps } = ctx;
  let obj = change.obj;
  if (!change.managedFieldsDone) {
    obj = trackManagedFields(rt, {
      live: change.old,
      updated: obj,
      manager: fieldManager(ctx),
      apiVersion: apiVersionOf(rt),
      now: nowRfc3339(),
      subresource: ctx.info.subresource || undefined,
    });
  }
  const fv = parseFieldValidation(ctx.query.get("fieldValidation"));
  ctx.warnings.push(...validateObject(rt, obj, change.old, fv).warnings);
  ctx.warnings.push(
    ...(await deps.admission.admit({
      operation: change.operation,
      resource: rt,
      subresource: ctx.info.subresource,
      namespace: obj.metadata.namespace ?? "",
      name: obj.metadata.name ?? "",
      object: obj,
      oldObject: change.old,
      user: ctx.user,
      dryRun: dryRun(ctx),
      auditAnnotations: ctx.auditAnnotations,
    })),
  );
  if (change.old && unchanged(obj, change.old)) return change.old;
  if (dryRun(ctx)) return obj;
  if (change.operation === "CREATE") return deps.objects.create(rt, obj);
  const finalizersDone = obj.metadata.deletionTimestamp && (obj.metadata.finalizers ?? []).length === 0;
  if (finalizersDone) {
    await deps.objects.delete(rt, obj, change.expectedRv!);
    return obj;
  }
  return deps.objects.update(rt, obj, change.expectedRv!);
}

export async function handleCreate(ctx: RequestContext): Promise<void> {
  if (ctx.info.subresource)
    throw errors.methodNotAllowed(`POST is not supported on ${ctx.rt.plural}/${ctx.info.subresource}`);
  const body = await readObject(ctx);
  if (body.metadata.resourceVersion)
    throw errors.badRequest("resourceVersion should not be set on objects to be created", [
      {
        reason: "FieldValueInvalid",
        field: "metadata.resourceVersion",
        message: "Invalid value: must be empty on create",
      },
    ]);
  const obj = prepareForCreate(ctx.rt, body, ctx.info.namespace);
  const stored = await commitChange(ctx, { operation: "CREATE", obj });
  writeBody(ctx.res, 201, renderObject(ctx, stored), { encoding: ctx.neg.encoding, warnings: ctx.warnings });
}

export async function handleUpdate(ctx: RequestContext): Promise<void> {
  const body = await readObject(ctx);
  if (body.metadata.name !== undefined && body.metadata.name !== ctx.info.name)
    throw errors.badRequest(
      `the name of the object (${body.metadata.name}) does not match the name on the URL (${ctx.info.name})`,
    );
  body.metadata.name = ctx.info.name;
  const stored = await updateFrom(ctx, body);
  writeBody(ctx.res, 200, renderObject(ctx, stored), { encoding: ctx.neg.encoding, warnings: ctx.warnings });
}

/** A resourceVersion sent with a write is a precondition: the object must still be at it. */
export function checkPrecondition(ctx: RequestContext, rv: string | undefined, live: KubeObject): void {
  const pinned = parseResourceVersion(rv, "metadata.resourceVersion");
  if (pinned !== 0 && String(pinned) !== live.metadata.resourceVersion)
    throw errors.stale({ group: ctx.rt.group, resource: ctx.rt.plural, name: ctx.info.name });
}

/** An update with `next` as the new content, on the main resource or /status. */
export async function updateFrom(ctx: RequestContext, next: KubeObject): Promise<KubeObject> {
  const old = await ctx.deps.objects.get(ctx.rt, ctx.info.namespace, ctx.info.name);
  const requested = parseResourceVersion(next.metadata.resourceVersion, "metadata.resourceVersion");
  if (requested === 0 && !ctx.rt.builtin)
    throw errors.invalid(ctx.rt.kind, ctx.info.name, ctx.rt.group, [
      {
        reason: "FieldValueInvalid",
        field: "metadata.resourceVersion",
        message: "Invalid value: 0x0: must be specified for an update",
      },
    ]);
  checkPrecondition(ctx, next.metadata.resourceVersion, old);
  const expectedRv = Number(old.metadata.resourceVersion);
  const obj =
    ctx.info.subresource === "status"
      ? prepareForStatusUpdate(next, old)
      : prepareForUpdate(ctx.rt, next, old);
  return commitChange(ctx, { operation: "UPDATE", obj, old, expectedRv });
}
