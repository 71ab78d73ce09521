// WATCH: streams ADDED/MODIFIED/DELETED events as JSON lines from a resourceVersion, with
// optional BOOKMARKs. Without a resourceVersion (or "0") it first sends the current state as
// ADDED events. A revision that is already compacted, or a watcher that falls too far behind,
// ends with an ERROR event carrying a 410 Expired Status, as kube-apiserver does, so clients
// relist. Selectors apply to both sides of a change: an object that stops matching is DELETED
// for this watch, one that starts matching is ADDED.
import type { KubeObject, WatchEventType } from "../../apis/meta/types.ts";
import { StoreError, type StoreEvent } from "../../storage/store.ts";
import { errors } from "../errors.ts";
import { decode, parseResourceVersion } from "../registry/object-store.ts";
import type { RequestContext } from "./context.ts";
import { compileFilter } from "./filters.ts";
import { listObjects } from "./read.ts";
import { renderWatchObject } from "./render.ts";

/** Per store event, the JSON of the decoded object (shared by every watcher of that event). */
const encoded = new WeakMap<object, string>();

function objectJson(ctx: RequestContext, obj: KubeObject, cacheKey: object | undefined): string {
  const plain = ctx.neg.transform === "none" && ctx.neg.encoding === "json";
  if (plain && cacheKey) {
    const hit = encoded.get(cacheKey);
    if (hit) return hit;
  }
  const json = JSON.stringify(renderWatchObject(ctx, obj));
  if (plain && cacheKey) encoded.set(cacheKey, json);
  return json;
}

function eventFor(
  ev: StoreEvent,
  filter: (o: KubeObject) => boolean,
): { type: WatchEventType; obj: KubeObject } | undefined {
  const prev = ev.prevKv ? decode(ev.prevKv) : undefined;
  const wasIn = prev !== undefined && filter(prev);
  if (ev.type === "delete") {
    if (!wasIn || !prev) return undefined;
    prev.metadata.resourceVersion = String(ev.revision);
    return { type: "DELETED", obj: prev };
  }
  const obj = decode(ev.kv);
  const isIn = filter(obj);
  if (isIn) return { type: wasIn ? "MODIFIED" : "ADDED", obj };
  return wasIn ? { type: "DELETED", obj } : undefined;
}

export async function handleWatch(ctx: RequestContext): Promise<void> {
  const { req, res, deps, query } = ctx;
  const filter = compileFilter(ctx);
  const rvParam = query.get("resourceVersion");
  const bookmarks = query.get("allowWatchBookmarks") === "true";
  const timeoutSeconds = query.get("timeoutSeconds");
  if (timeoutSeconds !== null && !/^\d+$/.test(timeoutSeconds))
    throw errors.badRequest("timeoutSeconds must be a non-negative integer");
  let lastRv = parseResourceVersion(rvParam);

  const ac = new AbortController();
  const stop = () => ac.abort();
  req.on("close", stop);
  deps.shutdown.addEventListener("abort", stop, { once: true });
  const timer =
    timeoutSeconds && Number(timeoutSeconds) > 0
      ? setTimeout(stop, Number(timeoutSeconds) * 1000)
      : undefined;
  const resource = ctx.rt.plural;
  deps.metrics.openWatches.inc({ resource });

  res.writeHead(200, {
    "content-type": "application/json",
    "cache-control": "no-cache, private",
    "transfer-encoding": "chunked",
  });
  res.flushHeaders();
  const write = async (line: string) => {
    if (!res.write(`${line}\n`)) await new Promise<void>((r) => res.once("drain", r).once("close", r));
  };
  let bookmarkTimer: NodeJS.Timeout | undefined;
  try {
    if (rvParam === null || rvParam === "" || rvParam === "0") {
      const { list, revision } = await listObjects(ctx, filter);
      for (const o of list.items) await write(`{"type":"ADDED","object":${objectJson(ctx, o, undefined)}}`);
      lastRv = revision;
    }
    if (bookmarks)
      bookmarkTimer = setInterval(() => {
        const obj = {
          kind: ctx.rt.kind,
          apiVersion: ctx.rt.group ? `${ctx.rt.group}/${ctx.rt.version}` : ctx.rt.version,
          metadata: { resourceVersion: String(lastRv) },
        };
        res.write(`${JSON.stringify({ type: "BOOKMARK", object: obj })}\n`);
      }, deps.bookmarkIntervalMs);
    const watcher = deps.objects.store.watch(deps.objects.prefix(ctx.rt, ctx.info.namespace || undefined), {
      afterRevision: lastRv,
      signal: ac.signal,
    });
    for await (const ev of watcher.events) {
      const out = eventFor(ev, filter);
      lastRv = ev.revision;
      if (!out) continue;
      // The rendered object is the same for every watcher whatever the event type it gets.
      const cacheKey = ev.type === "delete" ? ev.prevKv : ev.kv;
      await write(`{"type":"${out.type}","object":${objectJson(ctx, out.obj, cacheKey)}}`);
      deps.metrics.watchEvents.inc({ resource });
    }
  } catch (e) {
    if (e instanceof StoreError && e.code === "Compacted") {
      const status = errors.expired(`too old resource version: ${lastRv} (${e.revision ?? 0})`).toStatus();
      res.write(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
    } else if (!(e instanceof StoreError && e.code === "Closed")) {
      deps.log.error({ err: e }, "watch failed");
      const status = errors.internal("the watch ended unexpectedly").toStatus();
      res.write(`${JSON.stringify({ type: "ERROR", object: status })}\n`);
    }
  } finally {
    clearTimeout(timer);
    clearInterval(bookmarkTimer);
    req.off("close", stop);
    deps.shutdown.removeEventListener("abort", stop);
    deps.metrics.openWatches.dec({ resource });
    res.end();
  }
}
