// Watch semantics over HTTP: resumption without gaps, 410 after compaction, selector
// transitions and bookmarks.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestApi, type TestApi } from "../testing/harness.ts";

interface Event {
  type: string;
  object: { metadata: { name?: string; resourceVersion: string }; code?: number; reason?: string };
}

/** Opens a watch and collects events until `until` says stop (or the stream ends). */
async function watch(
  api: TestApi,
  path: string,
  until: (evs: Event[]) => boolean,
  timeoutMs = 20_000,
): Promise<Event[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const res = await fetch(api.url + path, { headers: { authorization: "Bearer admin" }, signal: ac.signal });
  assert.equal(res.status, 200);
  const events: Event[] = [];
  let buf = "";
  const decoder = new TextDecoder();
  try {
    for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
      buf += decoder.decode(chunk, { stream: true });
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        events.push(JSON.parse(buf.slice(0, nl)) as Event);
        buf = buf.slice(nl + 1);
        nl = buf.indexOf("\n");
      }
      if (until(events)) break;
    }
  } catch (e) {
    if (!ac.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return events;
}

const CMS = "/api/v1/namespaces/default/configmaps";
const cm = (name: string, v: string, labels?: Record<string, string>) => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name, ...(labels ? { labels } : {}) },
  data: { v },
});

test("a watch resumed from the last seen resourceVersion misses no event across 10,000 writes", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const start = await api.json<{ metadata: { resourceVersion: string } }>("GET", CMS);
  const N = 10_000;
  const writer = (async () => {
    for (let i = 0; i < N; i++) {
      const r = await api.req("POST", CMS, { body: cm(`c${i}`, String(i)) });
      if (r.status !== 201) throw new Error(`write ${i}: ${r.status}`);
      await r.arrayBuffer();
    }
  })();
  const seen: string[] = [];
  let rv = start.body.metadata.resourceVersion;
  // Drop the connection several times mid-stream and resume from the last event's version.
  while (seen.length < N) {
    const chunk = await watch(
      api,
      `${CMS}?watch=1&resourceVersion=${rv}`,
      (evs) => evs.length >= 1500 || seen.length + evs.length >= N,
    );
    for (const e of chunk) {
      assert.equal(e.type, "ADDED");
      seen.push(e.object.metadata.name!);
      rv = e.object.metadata.resourceVersion;
    }
  }
  await writer;
  assert.equal(seen.length, N);
  assert.deepEqual(
    seen,
    Array.from({ length: N }, (_, i) => `c${i}`),
    "every event once, in order",
  );
});

test("a watch from a compacted revision gets 410 Expired", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const first = await api.json<{ metadata: { resourceVersion: string } }>("POST", CMS, cm("a", "1"));
  for (let i = 0; i < 5; i++) await api.json("PUT", `${CMS}/a`, cm("a", String(i + 2)));
  await api.store.compact(await api.store.currentRevision());
  const evs = await watch(
    api,
    `${CMS}?watch=1&resourceVersion=${first.body.metadata.resourceVersion}`,
    (e) => e.length >= 1,
  );
  assert.equal(evs[0].type, "ERROR");
  assert.equal(evs[0].object.code, 410);
  assert.equal(evs[0].object.reason, "Expired");
  const list = await api.req(
    "GET",
    `${CMS}?limit=1&continue=${Buffer.from(JSON.stringify({ rv: Number(first.body.metadata.resourceVersion), start: "" })).toString("base64url")}`,
  );
  assert.equal(list.status, 410, "a continue token older than compaction is expired too");
});

test("selectors: objects entering and leaving the selection are ADDED and DELETED", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const start = await api.json<{ metadata: { resourceVersion: string } }>("GET", CMS);
  const events = watch(
    api,
    `${CMS}?watch=1&labelSelector=app%3Dweb&resourceVersion=${start.body.metadata.resourceVersion}`,
    (e) => e.length >= 4,
  );
  await new Promise((r) => setTimeout(r, 100));
  await api.json("POST", CMS, cm("x", "1", { app: "web" }));
  await api.json("POST", CMS, cm("other", "1", { app: "db" }));
  await api.json("PUT", `${CMS}/x`, cm("x", "2", { app: "web" }));
  await api.json("PUT", `${CMS}/x`, cm("x", "3", { app: "db" }));
  await api.json("PUT", `${CMS}/x`, cm("x", "4", { app: "web" }));
  const evs = await events;
  assert.deepEqual(
    evs.map((e) => `${e.type}:${e.object.metadata.name}`),
    ["ADDED:x", "MODIFIED:x", "DELETED:x", "ADDED:x"],
  );
});

test("without a resourceVersion a watch starts with the current state; bookmarks carry progress", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  await api.json("POST", CMS, cm("pre", "1"));
  const evs = await watch(api, `${CMS}?watch=1&allowWatchBookmarks=true`, (e) =>
    e.some((x) => x.type === "BOOKMARK"),
  );
  assert.equal(evs[0].type, "ADDED");
  assert.equal(evs[0].object.metadata.name, "pre");
  const bm = evs.find((e) => e.type === "BOOKMARK")!;
  assert.ok(Number(bm.object.metadata.resourceVersion) >= Number(evs[0].object.metadata.resourceVersion));
});
