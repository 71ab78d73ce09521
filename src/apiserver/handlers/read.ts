// GET of one object and LIST of a collection (selectors, limit/continue, resourceVersion).
import type { KubeList, KubeObject } from "../../apis/meta/types.ts";
import { errors } from "../errors.ts";
import { writeBody } from "../http/respond.ts";
import { parseResourceVersion } from "../registry/object-store.ts";
import { apiVersionOf } from "../resources/resource-type.ts";
import type { RequestContext } from "./context.ts";
import { compileFilter, type ObjectFilter } from "./filters.ts";
import { renderList, renderObject } from "./render.ts";

export async function handleGet(ctx: RequestContext): Promise<void> {
  const obj = await ctx.deps.objects.get(ctx.rt, ctx.info.namespace, ctx.info.name);
  writeBody(ctx.res, 200, renderObject(ctx, obj), { encoding: ctx.neg.encoding, warnings: ctx.warnings });
}

interface ContinueToken {
  rv: number;
  start: string;
}

function decodeContinue(raw: string): ContinueToken {
  try {
    const t = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as ContinueToken;
    if (typeof t.rv === "number" && typeof t.start === "string") return t;
  } catch {}
  throw errors.badRequest("continue key is not valid: the continue token is malformed");
}

const encodeContinue = (t: ContinueToken) => Buffer.from(JSON.stringify(t)).toString("base64url");

export interface ListResult {
  list: KubeList;
  revision: number;
}

/** Reads matching objects page by page until `limit` matches are found or the prefix ends. */
export async function listObjects(ctx: RequestContext, filter: ObjectFilter): Promise<ListResult> {
  const q = ctx.query;
  const limit = parseLimit(q.get("limit"));
  const cont = q.get("continue");
  let revision = 0;
  let startKey: string | undefined;
  if (cont) {
    const t = decodeContinue(cont);
    revision = t.rv;
    startKey = t.start;
  } else if (q.get("resourceVersionMatch") === "Exact") {
    revision = parseResourceVersion(q.get("resourceVersion"));
  }
  const items: KubeObject[] = [];
  let nextKey: string | undefined;
  for (;;) {
    const want = limit > 0 ? Math.max(limit - items.length, 0) : 0;
    const page = await ctx.deps.objects.range(ctx.rt, ctx.info.namespace || undefined, {
      revision: revision || undefined,
      limit: want > 0 ? want : undefined,
      startKey,
    });
    revision = page.revision;
    for (const o of page.items) if (filter(o)) items.push(o);
    nextKey = page.nextKey;
    if (!nextKey || (limit > 0 && items.length >= limit)) break;
    startKey = nextKey;
  }
  const list: KubeList = {
    apiVersion: apiVersionOf(ctx.rt),
    kind: ctx.rt.listKind,
    metadata: {
      resourceVersion: String(revision),
      ...(nextKey ? { continue: encodeContinue({ rv: revision, start: nextKey }) } : {}),
    },
    items: items.map((o) => ({
      ...o,
      apiVersion: o.apiVersion ?? apiVersionOf(ctx.rt),
      kind: o.kind ?? ctx.rt.kind,
    })),
  };
  return { list, revision };
}

function parseLimit(raw: string | null): number {
  if (raw === null || raw === "") return 0;
  if (!/^\d+$/.test(raw)) throw errors.badRequest(`limit must be a non-negative integer, got "${raw}"`);
  return Number(raw);
}

export async function handleList(ctx: RequestContext): Promise<void> {
  const filter = compileFilter(ctx);
  const { list } = await listObjects(ctx, filter);
  writeBody(ctx.res, 200, renderList(ctx, list), { encoding: ctx.neg.encoding, warnings: ctx.warnings });
}
