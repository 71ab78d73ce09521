// PATCH: JSON merge patch, JSON patch, strategic merge patch and server-side apply. Non-apply
// patches retry on a concurrent write (as Kubernetes' GuaranteedUpdate does) unless the patch
// itself pinned a resourceVersion.
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError, errors } from "../errors.ts";
import { bodyFormat, decodeBody, readBody } from "../http/body.ts";
import { writeBody } from "../http/respond.ts";
import { apiVersionOf } from "../resources/resource-type.ts";
import type { RequestContext } from "./context.ts";
import { applyNonApplyPatch, serverSideApply } from "./patching.ts";
import { nowRfc3339, prepareForCreate, prepareForStatusUpdate, prepareForUpdate } from "./prepare.ts";
import { renderObject } from "./render.ts";
import { checkObjectShape, checkPrecondition, commitChange } from "./write.ts";

const MAX_RETRIES = 5;

export async function handlePatch(ctx: RequestContext): Promise<void> {
  const format = bodyFormat(ctx.req.headers["content-type"], true);
  const patch = decodeBody(await readBody(ctx.req, ctx.deps.maxBodyBytes), format);
  let stored: KubeObject | undefined;
  for (let attempt = 0; ; attempt++) {
    try {
      stored = format === "apply-patch" ? await applyOnce(ctx, patch) : await patchOnce(ctx, format, patch);
      break;
    } catch (e) {
      const retriable =
        e instanceof ApiError && e.reason === "Conflict" && !pinnedRv(patch) && isStoreConflict(e);
      if (!retriable || attempt >= MAX_RETRIES) throw e;
    }
  }
  const code = ctx.res.statusCode === 201 ? 201 : 200;
  writeBody(ctx.res, code, renderObject(ctx, stored), { encoding: ctx.neg.encoding, warnings: ctx.warnings });
}

function isStoreConflict(e: ApiError): boolean {
  return !(e.details?.causes ?? []).some((c) => c.reason === "FieldManagerConflict");
}

function pinnedRv(patch: unknown): boolean {
  const meta = (patch as { metadata?: { resourceVersion?: unknown } } | null)?.metadata;
  return typeof meta?.resourceVersion === "string" && meta.resourceVersion !== "";
}

async function patchOnce(
  ctx: RequestContext,
  format: Parameters<typeof applyNonApplyPatch>[0],
  patch: unknown,
) {
  const live = await ctx.deps.objects.get(ctx.rt, ctx.info.namespace, ctx.info.name);
  const patched = checkObjectShape(ctx, applyNonApplyPatch(format, live, patch, ctx.rt.builtin));
  if (patched.metadata.name !== ctx.info.name)
    throw errors.badRequest(
      `the name of the object (${patched.metadata.name}) does not match the name on the URL (${ctx.info.name})`,
    );
  checkPrecondition(ctx, patched.metadata.resourceVersion, live);
  const liveRv = Number(live.metadata.resourceVersion);
  const obj =
    ctx.info.subresource === "status"
      ? prepareForStatusUpdate(patched, live)
      : prepareForUpdate(ctx.rt, patched, live);
  return commitChange(ctx, { operation: "UPDATE", obj, old: live, expectedRv: liveRv });
}

async function applyOnce(ctx: RequestContext, body: unknown): Promise<KubeObject> {
  const manager = ctx.query.get("fieldManager");
  if (!manager)
    throw errors.badRequest("PATCH with application/apply-patch+yaml requires the fieldManager parameter");
  const force = ctx.query.get("force") === "true";
  if (ctx.query.get("force") && !["true", "false"].includes(ctx.query.get("force")!))
    throw errors.badRequest(`force must be true or false`);
  const applied = checkObjectShape(ctx, body);
  if (applied.metadata.name !== undefined && applied.metadata.name !== ctx.info.name)
    throw errors.badRequest(
      `the name of the object (${applied.metadata.name}) does not match the name on the URL (${ctx.info.name})`,
    );
  applied.metadata.name = ctx.info.name;
  const live = await ctx.deps.objects.tryGet(ctx.rt, ctx.info.namespace, ctx.info.name);
  const common = {
    manager,
    force,
    apiVersion: apiVersionOf(ctx.rt),
    now: nowRfc3339(),
    subresource: ctx.info.subresource || undefined,
  };
  if (!live) {
    if (ctx.info.subresource)
      throw errors.notFound({ group: ctx.rt.group, resource: ctx.rt.plural, name: ctx.info.name });
    const merged = serverSideApply(ctx.rt, { ...common, live: undefined, applied });
    // An apply that owns no field yet still makes the object tracked; without an entry a later
    // apply would hand every field to "before-first-apply".
    if (!merged.metadata.managedFields?.length)
      merged.metadata.managedFields = [
        {
          manager,
          operation: "Apply",
          apiVersion: common.apiVersion,
          time: common.now,
          fieldsType: "FieldsV1",
          fieldsV1: {},
        },
      ];
    const obj = prepareForCreate(ctx.rt, merged, ctx.info.namespace);
    const created = await commitChange(ctx, { operation: "CREATE", obj, managedFieldsDone: true });
    ctx.res.statusCode = 201;
    return created;
  }
  // A resourceVersion in the applied configuration is a precondition, as in Kubernetes.
  checkPrecondition(ctx, applied.metadata.resourceVersion, live);
  const merged = serverSideApply(ctx.rt, { ...common, live, applied });
  const obj =
    ctx.info.subresource === "status"
      ? prepareForStatusUpdate(merged, live)
      : prepareForUpdate(ctx.rt, merged, live);
  obj.metadata.managedFields = merged.metadata.managedFields;
  return commitChange(ctx, {
    operation: "UPDATE",
    obj,
    old: live,
    expectedRv: Number(live.metadata.resourceVersion),
    managedFieldsDone: true,
  });
}
