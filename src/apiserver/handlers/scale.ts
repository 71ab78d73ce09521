// The /scale subresource (autoscaling/v1 Scale) of Deployments, ReplicaSets, StatefulSets and
// ReplicationControllers: what `kubectl scale` and HPAs use.
import type { KubeObject } from "../../apis/meta/types.ts";
import { isObject } from "../../apis/meta/types.ts";
import { errors } from "../errors.ts";
import { bodyFormat, decodeBody, readBody } from "../http/body.ts";
import { writeBody } from "../http/respond.ts";
import { type LabelSelector, labelSelectorAsMatcher } from "../selectors/labels.ts";
import type { RequestContext } from "./context.ts";
import { applyNonApplyPatch } from "./patching.ts";
import { prepareForUpdate } from "./prepare.ts";
import { checkPrecondition, commitChange } from "./write.ts";

interface Scale extends KubeObject {
  spec: { replicas?: number };
  status: { replicas: number; selector?: string };
}

function toScale(obj: KubeObject): Scale {
  const spec = (obj.spec ?? {}) as { replicas?: number; selector?: unknown };
  const status = (obj.status ?? {}) as { replicas?: number };
  // Scale reports the selector in its string form, as `kubectl get --selector` takes it.
  const selector = isObject(spec.selector)
    ? labelSelectorAsMatcher(spec.selector as LabelSelector).toString()
    : undefined;
  const m = obj.metadata;
  return {
    apiVersion: "autoscaling/v1",
    kind: "Scale",
    metadata: {
      name: m.name,
      namespace: m.namespace,
      uid: m.uid,
      resourceVersion: m.resourceVersion,
      creationTimestamp: m.creationTimestamp,
    },
    spec: { replicas: spec.replicas ?? 1 },
    status: { replicas: status.replicas ?? 0, ...(selector ? { selector } : {}) },
  };
}

export async function handleScale(ctx: RequestContext): Promise<void> {
  const live = await ctx.deps.objects.get(ctx.rt, ctx.info.namespace, ctx.info.name);
  if (ctx.info.verb === "get") {
    writeBody(ctx.res, 200, toScale(live), { encoding: ctx.neg.encoding });
    return;
  }
  if (ctx.info.verb !== "update" && ctx.info.verb !== "patch")
    throw errors.methodNotAllowed(`${ctx.req.method} is not supported on ${ctx.rt.plural}/scale`);
  const text = await readBody(ctx.req, ctx.deps.maxBodyBytes);
  const format = bodyFormat(ctx.req.headers["content-type"], ctx.info.verb === "patch");
  if (format === "apply-patch") throw errors.unsupportedMediaType("application/apply-patch+yaml on /scale");
  const body = decodeBody(text, format);
  const current = toScale(live);
  const next = (ctx.info.verb === "patch" ? applyNonApplyPatch(format, current, body, true) : body) as Scale;
  const replicas = next?.spec?.replicas;
  if (!Number.isInteger(replicas) || (replicas as number) < 0)
    throw errors.invalid("Scale", ctx.info.name, "autoscaling", [
      {
        reason: "FieldValueInvalid",
        field: "spec.replicas",
        message: `Invalid value: ${JSON.stringify(replicas)}: must be a non-negative integer`,
      },
    ]);
  checkPrecondition(ctx, next.metadata?.resourceVersion, live);
  const updated = { ...live, spec: { ...(live.spec as object), replicas } };
  const obj = prepareForUpdate(ctx.rt, updated, live);
  const stored = await commitChange(ctx, {
    operation: "UPDATE",
    obj,
    old: live,
    expectedRv: Number(live.metadata.resourceVersion),
  });
  writeBody(ctx.res, 200, toScale(stored), { encoding: ctx.neg.encoding, warnings: ctx.warnings });
}
