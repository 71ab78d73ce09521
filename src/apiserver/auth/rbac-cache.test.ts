import assert from "node:assert/strict";
import { test } from "node:test";
import { StoreError } from "../../storage/store.ts";
import { FakeStore } from "./fake-store.ts";
import { authorizeSync } from "./rbac.ts";
import { StoreRbacCache } from "./rbac-cache.ts";
import type { AuthzAttributes } from "./types.ts";

const P = "/registry/rbac.authorization.k8s.io";
const V = "rbac.authorization.k8s.io/v1";

const podReader = {
  apiVersion: V,
  kind: "ClusterRole",
  metadata: { name: "pod-reader" },
  rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["list"] }],
};
const binding = (ns: string, name: string, user: string) => ({
  apiVersion: V,
  kind: "RoleBinding",
  metadata: { namespace: ns, name },
  roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "pod-reader" },
  subjects: [{ kind: "User", name: user }],
});
const listPods = (user: string, namespace: string): AuthzAttributes => ({
  user: { name: user, groups: ["system:authenticated"] },
  verb: "list",
  resourceRequest: true,
  apiGroup: "",
  resource: "pods",
  namespace,
});

/** Resolves once the cache has applied the store's revision `rev`. */
async function caughtUp(cache: StoreRbacCache, rev: number): Promise<void> {
  const deadline = Date.now() + 2000;
  while (cache.revision < rev) {
    if (Date.now() > deadline) throw new Error(`cache stuck at ${cache.revision}, wanted ${rev}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function start(t: { after: (fn: () => Promise<void>) => void }, store: FakeStore, errors: unknown[] = []) {
  const cache = new StoreRbacCache({ store, onError: (e) => errors.push(e), retryDelayMs: 10 });
  t.after(() => cache.close());
  return cache;
}

test("the cache lists existing objects, then follows the watch", async (t) => {
  const store = new FakeStore();
  await store.put(`${P}/clusterroles/pod-reader`, podReader);
  await store.put(`${P}/rolebindings/dev/bob`, binding("dev", "bob", "bob"));
  const cache = start(t, store);
  await cache.ready;
  assert.equal(authorizeSync(cache, listPods("bob", "dev")).allowed, true);
  assert.equal(authorizeSync(cache, listPods("carol", "dev")).allowed, false);

  // A new binding arrives through a watch event, not a relist.
  const reads = store.reads;
  const { revision } = await store.put(`${P}/rolebindings/qa/carol`, binding("qa", "carol", "carol"));
  await caughtUp(cache, revision);
  assert.equal(authorizeSync(cache, listPods("carol", "qa")).allowed, true);
  assert.equal(store.reads, reads, "no relist");

  const removed = await store.del(`${P}/rolebindings/dev/bob`);
  await caughtUp(cache, removed.revision);
  assert.equal(authorizeSync(cache, listPods("bob", "dev")).allowed, false);

  // Deleting the role a binding points at revokes through it too.
  const gone = await store.del(`${P}/clusterroles/pod-reader`);
  await caughtUp(cache, gone.revision);
  assert.equal(authorizeSync(cache, listPods("carol", "qa")).allowed, false);
});

test("on Compacted the cache relists and misses nothing", async (t) => {
  const store = new FakeStore();
  await store.put(`${P}/clusterroles/pod-reader`, podReader);
  const errors: unknown[] = [];
  const cache = start(t, store, errors);
  await cache.ready;

  const reads = store.reads;
  store.failNextWatchWith = new StoreError("Compacted", "compacted", { revision: 1 });
  const { revision } = await store.put(`${P}/rolebindings/dev/bob`, binding("dev", "bob", "bob"));
  await caughtUp(cache, revision);
  assert.ok(store.reads > reads, "relisted");
  assert.equal(authorizeSync(cache, listPods("bob", "dev")).allowed, true);
  assert.deepEqual(errors, [], "compaction is routine, not an error");

  // And it keeps watching after the relist.
  const next = await store.put(`${P}/rolebindings/dev/carol`, binding("dev", "carol", "carol"));
  await caughtUp(cache, next.revision);
  assert.equal(authorizeSync(cache, listPods("carol", "dev")).allowed, true);
});

test("other failures are reported and retried", async (t) => {
  const store = new FakeStore();
  await store.put(`${P}/clusterroles/pod-reader`, podReader);
  const errors: unknown[] = [];
  const cache = start(t, store, errors);
  await cache.ready;
  store.failNextWatchWith = new StoreError("Unavailable", "etcd is down");
  const { revision } = await store.put(`${P}/rolebindings/dev/bob`, binding("dev", "bob", "bob"));
  await caughtUp(cache, revision);
  assert.equal(authorizeSync(cache, listPods("bob", "dev")).allowed, true);
  assert.equal((errors[0] as StoreError).code, "Unavailable");
});

test("malformed objects are skipped and reported, not fatal", async (t) => {
  const store = new FakeStore();
  await store.put(`${P}/clusterroles/pod-reader`, podReader);
  await store.put(`${P}/rolebindings/dev/junk`, "{not json");
  await store.put(`${P}/rolebindings/dev/no-ref`, { metadata: { name: "no-ref" }, subjects: [] });
  await store.put(`${P}/rolebindings/dev/bob`, binding("dev", "bob", "bob"));
  const errors: unknown[] = [];
  const cache = start(t, store, errors);
  await cache.ready;
  assert.equal(errors.length, 2);
  assert.equal(cache.roleBindings("dev").length, 1);
  assert.equal(authorizeSync(cache, listPods("bob", "dev")).allowed, true);

  // A good object overwritten by a bad one stops granting.
  const { revision } = await store.put(`${P}/rolebindings/dev/bob`, { metadata: {} });
  await caughtUp(cache, revision);
  assert.equal(authorizeSync(cache, listPods("bob", "dev")).allowed, false);
});

test("close() stops the cache and rejects a pending ready", async () => {
  const store = new FakeStore();
  const cache = new StoreRbacCache({ store });
  await cache.ready;
  await cache.close();
  const { revision } = await store.put(`${P}/clusterroles/pod-reader`, podReader);
  await new Promise((r) => setTimeout(r, 20));
  assert.ok(cache.revision < revision, "no longer following the store");

  const never = new FakeStore();
  never.range = () => new Promise(() => {});
  const stuck = new StoreRbacCache({ store: never });
  await stuck.close();
  await assert.rejects(stuck.ready, /closed/);
});
