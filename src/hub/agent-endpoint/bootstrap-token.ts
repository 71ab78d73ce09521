// Bootstrap tokens: the single-use, expiring secrets an agent registers with. Issued through the
// create-only BootstrapToken kind (POST /apis/mcp.platform/v1/bootstraptokens, what
// `mcpctl cluster token create` calls), stored hashed like every other token, and consumed by the
// agent endpoint's Register with a compare-and-swap delete so that two concurrent uses of one
// token cannot both succeed.
import { randomBytes } from "node:crypto";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import { isObject } from "../../apis/meta/types.ts";
import { createToken, hashToken, TOKENS_KEY_PREFIX, type TokenRecord } from "../../apiserver/auth/tokens.ts";
import { errors } from "../../apiserver/errors.ts";
import { dryRun, type RequestContext } from "../../apiserver/handlers/context.ts";
import { nowRfc3339 } from "../../apiserver/handlers/prepare.ts";
import { bodyFormat, decodeBody, readBody } from "../../apiserver/http/body.ts";
import { writeBody } from "../../apiserver/http/respond.ts";
import { dns1123Subdomain } from "../../apiserver/validation/names.ts";
import { formatDuration, parseDuration } from "../../cli/duration.ts";
import { type Store, StoreError } from "../../storage/store.ts";

export const BOOTSTRAP_PURPOSE = "bootstrap";
/** Bootstrap users have no RBAC grants: the token is only good for Register. */
export const BOOTSTRAPPERS_GROUP = "mcp:bootstrappers";
const DEFAULT_TTL_MS = 3_600_000;
const MAX_TTL_MS = 24 * 3_600_000;

export interface IssuedBootstrapToken {
  /** An identifier for logs and the response's metadata.name; not the secret. */
  id: string;
  token: string;
  expiresAt: string;
}

/** Mints a bootstrap token valid for ttlMs (default 1 h, at most 24 h). */
export async function issueBootstrapToken(
  store: Store,
  opts: { ttlMs?: number; name?: string; now?: number } = {},
): Promise<IssuedBootstrapToken> {
  const ttlMs = opts.ttlMs ?? DEFAULT_TTL_MS;
  if (!(ttlMs > 0 && ttlMs <= MAX_TTL_MS)) throw new Error(`bootstrap token ttl out of range: ${ttlMs} ms`);
  const id = opts.name ?? `bootstrap-${randomBytes(4).toString("hex")}`;
  const { token, expiresAt } = await createToken(store, {
    user: { name: `system:bootstrap:${id}`, groups: [BOOTSTRAPPERS_GROUP] },
    ttlSeconds: ttlMs / 1000,
    purpose: BOOTSTRAP_PURPOSE,
    now: opts.now,
  });
  return { id, token, expiresAt: expiresAt! };
}

/**
 * Checks a bootstrap token without using it up (Register validates its request before spending
 * the token). Undefined when it is unknown, used, expired or not a bootstrap token.
 */
export async function peekBootstrapToken(
  store: Store,
  token: string,
  now: number = Date.now(),
): Promise<{ record: TokenRecord; modRevision: number } | undefined> {
  const kv = await store.get(`${TOKENS_KEY_PREFIX}${hashToken(token)}`);
  if (!kv) return undefined;
  let record: TokenRecord;
  try {
    record = JSON.parse(kv.value) as TokenRecord;
  } catch {
    return undefined;
  }
  if (record.purpose !== BOOTSTRAP_PURPOSE) return undefined;
  if (!record.expiresAt || Date.parse(record.expiresAt) <= now) return undefined;
  return { record, modRevision: kv.modRevision };
}

/**
 * Uses a bootstrap token up: deletes its record only if nobody changed or deleted it since it was
 * read. Returns false when another request got there first (the token is spent either way).
 */
export async function consumeBootstrapToken(
  store: Store,
  token: string,
  modRevision: number,
): Promise<boolean> {
  const key = `${TOKENS_KEY_PREFIX}${hashToken(token)}`;
  try {
    await store.txn([{ key, modRevision }], [{ type: "delete", key }]);
    return true;
  } catch (e) {
    if (e instanceof StoreError && e.code === "CompareFailed") return false;
    throw e;
  }
}

/** The BootstrapToken kind's handler (ApiServerOptions.handlers "mcp.platform/bootstraptokens"). */
export async function handleBootstrapTokenRequest(ctx: RequestContext): Promise<void> {
  if (ctx.info.verb !== "create")
    throw errors.methodNotAllowed("bootstraptokens can only be created (POST); they are never stored");
  const text = await readBody(ctx.req, ctx.deps.maxBodyBytes);
  const body = text.trim() === "" ? {} : decodeBody(text, bodyFormat(ctx.req.headers["content-type"], false));
  if (!isObject(body)) throw errors.badRequest("BootstrapToken must be an object");
  const meta = isObject(body.metadata) ? body.metadata : {};
  const spec = isObject(body.spec) ? body.spec : {};
  const name = typeof meta.name === "string" && meta.name !== "" ? meta.name : undefined;
  const ttlText = spec.ttl === undefined ? formatDuration(DEFAULT_TTL_MS) : spec.ttl;
  const ttlMs = typeof ttlText === "string" ? parseDuration(ttlText) : undefined;
  const causes = name ? dns1123Subdomain("metadata.name", name) : [];
  if (ttlMs === undefined || ttlMs <= 0 || ttlMs > MAX_TTL_MS)
    causes.push({
      reason: "FieldValueInvalid",
      field: "spec.ttl",
      message: `Invalid value: ${JSON.stringify(ttlText)}: must be a duration between 1s and 24h, such as 30m or 1h`,
    });
  if (spec.description !== undefined && typeof spec.description !== "string")
    causes.push({ reason: "FieldValueInvalid", field: "spec.description", message: "must be a string" });
  if (causes.length > 0) throw errors.invalid("BootstrapToken", name ?? "", ctx.rt.group, causes);

  const creationTimestamp = nowRfc3339();
  const issued = dryRun(ctx)
    ? undefined
    : await issueBootstrapToken(ctx.deps.objects.store, { ttlMs: ttlMs!, name });
  ctx.deps.log.info(
    { user: ctx.user.name, id: issued?.id, expiresAt: issued?.expiresAt },
    "bootstrap token issued",
  );
  writeBody(ctx.res, 201, {
    apiVersion: API_VERSION,
    kind: "BootstrapToken",
    metadata: { name: issued?.id ?? name ?? "", creationTimestamp },
    spec: {
      ttl: ttlText,
      ...(typeof spec.description === "string" ? { description: spec.description } : {}),
    },
    status: issued ? { token: issued.token, expirationTimestamp: issued.expiresAt } : {},
  });
}
