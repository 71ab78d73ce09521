// SelfSubjectAccessReview (`kubectl auth can-i`) and SelfSubjectReview (`kubectl auth whoami`):
// create-only kinds answered from the request's own user, never stored.
import { isObject } from "../../apis/meta/types.ts";
import type { Authorizer } from "../auth/types.ts";
import { errors } from "../errors.ts";
import { writeBody } from "../http/respond.ts";
import type { RequestContext } from "./context.ts";
import { readObject } from "./write.ts";

interface ResourceAttributes {
  namespace?: string;
  verb?: string;
  group?: string;
  resource?: string;
  subresource?: string;
  name?: string;
}

export function selfSubjectAccessReview(authorizer: Authorizer) {
  return async (ctx: RequestContext): Promise<void> => {
    if (ctx.info.verb !== "create") throw errors.methodNotAllowed("only create is supported");
    const review = await readObject(ctx);
    const spec = (isObject(review.spec) ? review.spec : {}) as {
      resourceAttributes?: ResourceAttributes;
      nonResourceAttributes?: { path?: string; verb?: string };
    };
    const ra = spec.resourceAttributes;
    const nra = spec.nonResourceAttributes;
    if (!ra && !nra)
      throw errors.invalid("SelfSubjectAccessReview", "", "authorization.k8s.io", [
        {
          reason: "FieldValueRequired",
          field: "spec",
          message: "Required value: exactly one of resourceAttributes or nonResourceAttributes",
        },
      ]);
    const decision = await authorizer.authorize(
      ra
        ? {
            user: ctx.user,
            verb: ra.verb ?? "",
            resourceRequest: true,
            apiGroup: ra.group ?? "",
            resource: ra.resource ?? "",
            subresource: ra.subresource || undefined,
            namespace: ra.namespace || undefined,
            name: ra.name || undefined,
          }
        : { user: ctx.user, verb: nra?.verb ?? "", resourceRequest: false, path: nra?.path ?? "" },
    );
    writeBody(ctx.res, 201, {
      ...review,
      metadata: { creationTimestamp: null },
      // As with Kubernetes' RBAC, a denial says nothing about what would have allowed it.
      status: { allowed: decision.allowed, reason: decision.allowed ? (decision.reason ?? "") : "" },
    });
  };
}

export async function selfSubjectReview(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== "create") throw errors.methodNotAllowed("only create is supported");
  const review = await readObject(ctx);
  const { name, uid, groups, extra } = ctx.user;
  writeBody(ctx.res, 201, {
    ...review,
    metadata: { creationTimestamp: null },
    status: { userInfo: { username: name, ...(uid ? { uid } : {}), groups, ...(extra ? { extra } : {}) } },
  });
}
