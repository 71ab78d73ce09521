import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { KindCache } from "./kind-cache.ts";
import { byController } from "./objects.ts";

function pod(name: string, rv: number, extra: Partial<KubeObject["metadata"]> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "ns", uid: `uid-${name}`, resourceVersion: String(rv), ...extra },
  };
}

function setup() {
  let progress = 0;
  const cache = new KindCache("v1", "Pod", () => progress, { owner: byController });
  const events: string[] = [];
  cache.on((o, _old, deleted) =>
    events.push(`${deleted ? "-" : "+"}${o.metadata.name}@${o.metadata.resourceVersion}`),
  );
  const put = (o: KubeObject) => {
    progress = Math.max(progress, Number(o.metadata.resourceVersion));
    cache.applyPut(o);
  };
  const del = (o: KubeObject) => {
    progress = Math.max(progress, Number(o.metadata.resourceVersion));
    cache.applyDelete(o);
  };
  return { cache, events, put, del };
}

test("a controller's write is visible at once and not replaced by older watch events", () => {
  const { cache, events, put } = setup();
  put(pod("a", 1));
  cache.observe(pod("a", 3, { labels: { v: "3" } }));
  assert.equal(cache.get("ns", "a")?.metadata.resourceVersion, "3");
  put(pod("a", 2));
  assert.equal(cache.get("ns", "a")?.metadata.labels?.v, "3", "an older event does not win");
  put(pod("a", 3, { labels: { v: "3" } }));
  assert.deepEqual(events, ["+a@1", "+a@3"], "the write coming back through the watch is not news");
  put(pod("a", 4));
  assert.equal(cache.get("ns", "a")?.metadata.resourceVersion, "4");
});

test("a write older than what the watch delivered does not resurrect a deleted object", () => {
  const { cache, put, del } = setup();
  put(pod("a", 5));
  del(pod("a", 5));
  cache.observe(pod("a", 5));
  assert.equal(cache.get("ns", "a"), undefined);
});

test("a newer incarnation written through survives the old one's delete event", () => {
  const { cache, put, del } = setup();
  put(pod("a", 5));
  cache.observe(pod("a", 9, { uid: "second" }));
  del(pod("a", 5));
  assert.equal(cache.get("ns", "a")?.metadata.uid, "second");
});

test("an object being deleted is hidden until the watch reports it gone or terminating", () => {
  const { cache, put, del, events } = setup();
  const a = pod("a", 1);
  const b = pod("b", 2);
  put(a);
  put(b);
  cache.hide(a);
  cache.hide(b);
  assert.equal(cache.get("ns", "a"), undefined);
  assert.deepEqual(
    cache.list("ns").map((o) => o.metadata.name),
    [],
  );
  assert.ok(events.includes("-a@1"));
  del(a);
  put(pod("b", 3, { deletionTimestamp: "2024-01-01T00:00:00Z", finalizers: ["x"] }));
  assert.equal(cache.get("ns", "b")?.metadata.deletionTimestamp, "2024-01-01T00:00:00Z");
  put(pod("a", 4, { uid: "reborn" }));
  assert.equal(cache.get("ns", "a")?.metadata.uid, "reborn");
});

test("indexes follow changes, and a relist forgets what vanished", () => {
  const { cache, put } = setup();
  const owned = (uid: string) => ({
    ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "rs", uid, controller: true }],
  });
  put(pod("a", 1, owned("rs1")));
  put(pod("b", 2, owned("rs1")));
  put(pod("b", 3, owned("rs2")));
  assert.deepEqual(
    cache.byIndex("owner", "rs1").map((o) => o.metadata.name),
    ["a"],
  );
  assert.deepEqual(
    cache.byIndex("owner", "rs2").map((o) => o.metadata.name),
    ["b"],
  );
  cache.resync(new Set(["ns/b"]));
  assert.equal(cache.get("ns", "a"), undefined);
  assert.deepEqual(cache.byIndex("owner", "rs1"), []);
});
