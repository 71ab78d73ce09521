// DELETE of one object and of a collection. Objects with finalizers (and namespaces, which a
// controller empties first) are only marked with a deletionTimestamp; the last finalizer's
// removal deletes them.
import type { KubeObject } from "../../apis/meta/types.ts";
import { isObject } from "../../apis/meta/types.ts";
import { errors } from "../errors.ts";
import { bodyFormat, decodeBody, readBody } from "../http/body.ts";
import { writeBody } from "../http/respond.ts";
import { apiVersionOf } from "../resources/resource-type.ts";
import { dryRun, type RequestContext } from "./context.ts";
import { compileFilter } from "./filters.ts";
import { nowRfc3339 } from "./prepare.ts";
import { listObjects } from "./read.ts";
import { renderObject } from "./render.ts";

/** The finalizers the garbage collector acts on (src/apiserver/controllers/gc.ts). */
export const GC_FINALIZERS: Record<string, string | undefined> = {
  Foreground: "foregroundDeletion",
  Orphan: "orphan",
  Background: undefined,
};

interface DeleteOptions {
  preconditions?: { uid?: string; resourceVersion?: string };
  propagationPolicy?: string;
}

async function readDeleteOptions(ctx: RequestContext): Promise<DeleteOptions> {
  const text = await readBody(ctx.req, ctx.deps.maxBodyBytes);
  const opts: DeleteOptions = {};
  if (text.trim() !== "") {
    const v = decodeBody(text, bodyFormat(ctx.req.headers["content-type"], false));
    if (!isObject(v)) throw errors.badRequest("DeleteOptions must be an object");
    Object.assign(opts, v);
  }
  const qp = ctx.query.get("propagationPolicy");
  if (qp) opts.propagationPolicy = qp;
  const orphan =
    ctx.query.get("orphanDependents") ?? (opts as { orphanDependents?: boolean }).orphanDependents;
  if (!opts.propagationPolicy && (orphan === true || orphan === "true")) opts.propagationPolicy = "Orphan";
  if (opts.propagationPolicy && !["Orphan", "Background", "Foreground"].includes(opts.propagationPolicy))
    throw errors.badRequest(
      `propagationPolicy must be one of Orphan, Background, Foreground; got "${opts.propagationPolicy}"`,
    );
  return opts;
}

/** Deletes (or marks for deletion) one live object; returns the object if it still exists. */
export async function deleteObject(
  ctx: RequestContext,
  live: KubeObject,
  opts: DeleteOptions,
): Promise<KubeObject | undefined> {
  const { rt, deps } = ctx;
  const target = { group: rt.group, resource: rt.plural, name: live.metadata.name };
  const pre = opts.preconditions;
  if (pre?.uid && pre.uid !== live.metadata.uid)
    throw errors.conflict(
      target,
      `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${live.metadata.uid}`,
    );
  if (pre?.resourceVersion && pre.resourceVersion !== live.metadata.resourceVersion)
    throw errors.conflict(
      target,
      `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${live.metadata.resourceVersion}`,
    );
  ctx.warnings.push(
    ...(await deps.admission.admit({
      operation: "DELETE",
      resource: rt,
      subresource: "",
      namespace: live.metadata.namespace ?? "",
      name: live.metadata.name ?? "",
      oldObject: live,
      user: ctx.user,
      dryRun: dryRun(ctx),
      auditAnnotations: ctx.auditAnnotations,
    })),
  );
  // Foreground and Orphan deletion hand the object to the garbage collector through a
  // finalizer, as Kubernetes does; Background (the default) deletes it now and the collector
  // removes dependents afterwards.
  const gcFinalizer = GC_FINALIZERS[opts.propagationPolicy ?? "Background"];
  const finalizers = [...(live.metadata.finalizers ?? [])];
  if (gcFinalizer && !finalizers.includes(gcFinalizer)) finalizers.push(gcFinalizer);
  const graceful = finalizers.length > 0 || (rt.group === "" && rt.plural === "namespaces");
  const expectedRv = Number(live.metadata.resourceVersion);
  if (!graceful) {
    if (!dryRun(ctx)) await deps.objects.delete(rt, live, expectedRv);
    return undefined;
  }
  if (live.metadata.deletionTimestamp && finalizers.length === (live.metadata.finalizers ?? []).length)
    return live;
  const marked: KubeObject = {
    ...live,
    metadata: {
      ...live.metadata,
      ...(finalizers.length > 0 ? { finalizers } : {}),
      deletionTimestamp: live.metadata.deletionTimestamp ?? nowRfc3339(),
      deletionGracePeriodSeconds: 0,
    },
  };
  if (rt.group === "" && rt.plural === "namespaces")
    marked.status = { ...(live.status as object), phase: "Terminating" };
  return dryRun(ctx) ? marked : deps.objects.update(rt, marked, expectedRv);
}

export async function handleDelete(ctx: RequestContext): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const live = await ctx.deps.objects.get(ctx.rt, ctx.info.namespace, ctx.info.name);
  const remaining = await deleteObject(ctx, live, opts);
  if (remaining) {
    writeBody(ctx.res, 200, renderObject(ctx, remaining), {
      encoding: ctx.neg.encoding,
      warnings: ctx.warnings,
    });
    return;
  }
  writeBody(
    ctx.res,
    200,
    {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Success",
      details: { name: live.metadata.name, group: ctx.rt.group, kind: ctx.rt.plural, uid: live.metadata.uid },
    },
    { encoding: ctx.neg.encoding, warnings: ctx.warnings },
  );
}

export async function handleDeleteCollection(ctx: RequestContext): Promise<void> {
  const opts = await readDeleteOptions(ctx);
  const { list } = await listObjects(ctx, compileFilter(ctx));
  const remaining: KubeObject[] = [];
  for (const live of list.items) {
    try {
      const r = await deleteObject(ctx, live, opts);
      if (r) remaining.push(r);
    } catch (e) {
      // An object deleted concurrently is already gone, which is what was asked.
      if (!(e instanceof Error && "reason" in e && e.reason === "NotFound")) throw e;
    }
  }
  writeBody(
    ctx.res,
    200,
    { apiVersion: apiVersionOf(ctx.rt), kind: ctx.rt.listKind, metadata: {}, items: remaining },
    { encoding: ctx.neg.encoding, warnings: ctx.warnings },
  );
}
