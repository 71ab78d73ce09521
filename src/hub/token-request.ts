// The serviceaccounts/token subresource (authentication.k8s.io/v1 TokenRequest): what
// `kubectl create token` and `mcpctl create token` call. Tokens are stored hashed and bound to
// the service account's uid.
import { isObject } from "../apis/meta/types.ts";
import { serviceAccountGroups, serviceAccountUserName } from "../apiserver/auth/rbac.ts";
import { createToken } from "../apiserver/auth/tokens.ts";
import { errors } from "../apiserver/errors.ts";
import type { RequestContext } from "../apiserver/handlers/context.ts";
import { bodyFormat, decodeBody, readBody } from "../apiserver/http/body.ts";
import { writeBody } from "../apiserver/http/respond.ts";

const MIN_SECONDS = 600;
const MAX_SECONDS = 365 * 24 * 3600;
const DEFAULT_SECONDS = 3600;

export async function handleTokenRequest(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== "create")
    throw errors.methodNotAllowed("only POST is supported on serviceaccounts/token");
  const text = await readBody(ctx.req, ctx.deps.maxBodyBytes);
  const body = text.trim() === "" ? {} : decodeBody(text, bodyFormat(ctx.req.headers["content-type"], false));
  if (!isObject(body)) throw errors.badRequest("TokenRequest must be an object");
  const spec = (isObject(body.spec) ? body.spec : {}) as { expirationSeconds?: unknown; audiences?: unknown };
  const seconds = spec.expirationSeconds ?? DEFAULT_SECONDS;
  if (!Number.isInteger(seconds) || (seconds as number) < MIN_SECONDS || (seconds as number) > MAX_SECONDS)
    throw errors.invalid("TokenRequest", ctx.info.name, "authentication.k8s.io", [
      {
        reason: "FieldValueInvalid",
        field: "spec.expirationSeconds",
        message: `Invalid value: ${JSON.stringify(seconds)}: must be between ${MIN_SECONDS} (10 minutes) and ${MAX_SECONDS} seconds`,
      },
    ]);
  const sa = await ctx.deps.objects.get(ctx.rt, ctx.info.namespace, ctx.info.name);
  const { token, expiresAt } = await createToken(ctx.deps.objects.store, {
    user: {
      name: serviceAccountUserName(ctx.info.namespace, ctx.info.name),
      uid: sa.metadata.uid,
      groups: serviceAccountGroups(ctx.info.namespace),
    },
    ttlSeconds: seconds as number,
    purpose: "serviceaccount",
    boundObject: {
      group: "",
      resource: "serviceaccounts",
      namespace: ctx.info.namespace,
      name: ctx.info.name,
      uid: sa.metadata.uid,
    },
  });
  writeBody(ctx.res, 201, {
    apiVersion: "authentication.k8s.io/v1",
    kind: "TokenRequest",
    metadata: { name: ctx.info.name, namespace: ctx.info.namespace, creationTimestamp: null },
    spec: {
      audiences: Array.isArray(spec.audiences) ? spec.audiences : ["https://mcp.platform"],
      expirationSeconds: seconds,
    },
    status: { token, expirationTimestamp: expiresAt },
  });
}
