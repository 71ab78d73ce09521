// WATCH: streams ADDED/MODIFIED/DELETED events as JSON lines from a resourceVersion, with
// optional BOOKMARKs. Without a resourceVersion (or "0") it first sends the current state as
// ADDED events. A revision that is already compacted, or a watcher that falls too far behind,
// ends with an ERROR event carrying a 410 Expired Status, as kube-apiserver does, so clients
// relist. Selectors apply to both sides of a change: an object that stops matching is DELETED
// for this watch, one that starts matching is ADDED.
import type { KubeObject, WatchEventType } from "../../apis/meta/types.ts";
import { StoreError, type StoreEvent } from "../../storage/store.ts";
import { errors } from "../errors.ts";
import { decode, parseResourceVersion, viewAs } from "../registry/object-store.ts";
import type { RequestContext } from "./context.ts";
import { compileFilter, MATCH_ALL, type ObjectFilter } from "./filters.ts";
import { listObjects } from "./read.ts";
import { renderWatchObject } from "./render.ts";

// Store events are shared by every watcher of a prefix, so what is derived from one — the
// decoded objects and the rendered JSON — is derived once and shared too (read-only).
interface Derived {
  obj?: KubeObject;
  prev?: KubeObject;
  json?: string;
}
const derived = new WeakMap<StoreEvent, Derived>();

function derive(ev: StoreEvent): Derived {
  let d = derived.get(ev);
  if (!d) {
    d = {};
    derived.set(ev, d);
  }
  return d;
}

const objOf = (ev: StoreEvent, d: Derived) => (d.obj ??= decode(ev.kv));

function prevOf(ev: StoreEvent, d: Derived): KubeObject | undefined {
  if (!ev.prevKv) return undefined;
  if (!d.prev) {
    d.prev = decode(ev.prevKv);
    // A DELETED event carries the object as it was, at the revision of its deletion.
    if (ev.type === "delete") d.prev.metadata.resourceVersion = String(ev.revision);
  }
  return d.prev;
}

function eventFor(
  ev: StoreEvent,
  filter: ObjectFilter,
  d: Derived,
): { type: WatchEventType; obj: () => KubeObject } | undefined {
  if (filter === MATCH_ALL) {
    if (ev.type === "delete") return ev.prevKv ? { type: "DELETED", obj: () => prevOf(ev, d)! } : undefined;
    return { type: ev.prevKv ? "MODIFIED" : "ADDED", obj: () => objOf(ev, d) };
  }
  const prev = prevOf(ev, d);
  const wasIn = prev !== undefined && filter(prev);
  if (ev.type === "delete") return wasIn ? { type: "DELETED", obj: () => prev! } : undefined;
  const isIn = filter(objOf(ev, d));
  if (isIn) return { type: wasIn ? "MODIFIED" : "ADDED", obj: () => objOf(ev, d) };
  return wasIn ? { type: "DELETED", obj: () => objOf(ev, d) } : undefined;
}

/**
 * The event's object as JSON; the plain form is rendered once per event for all watchers. A
 * version served over another's storage converts its own copy (the shared form is the stored one).
 */
function eventJson(ctx: RequestContext, out: { obj: () => KubeObject }, d: Derived): string {
  if (ctx.rt.conversion) return JSON.stringify(renderWatchObject(ctx, viewAs(ctx.rt, out.obj())));
  if (ctx.neg.transform !== "none" || ctx.neg.encoding !== "json")
    return JSON.stringify(renderWatchObject(ctx, out.obj()));
  d.json ??= JSON.stringify(out.obj());
  return d.json;
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
  // A watch opened after shutdown began would never hear the abort event.
  if (deps.shutdown.aborted) ac.abort();
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
      for (const o of list.items)
        await write(`{"type":"ADDED","object":${JSON.stringify(renderWatchObject(ctx, o))}}`);
      deps.metrics.watchEvents.inc({ resource });
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
      const d = derive(ev);
      const out = eventFor(ev, filter, d);
      lastRv = ev.revision;
      if (!out) continue;
      await write(`{"type":"${out.type}","object":${eventJson(ctx, out, d)}}`);
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
