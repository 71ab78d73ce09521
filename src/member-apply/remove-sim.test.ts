// Removal against a simulated member: tombstones delete (only what MCP manages; already gone is
// fine) or orphan, a full update removes what left the set, and a removal the member could not
// take is retried by resync.
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  configMap,
  deployment,
  id,
  marked,
  memoryPersistence,
  namespace,
  startTestMember,
  tomb,
} from "./testing.ts";

test("tombstones delete MCP's objects, leave others' alone, and count a missing one as done", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const a = marked(configMap("default", "a", { v: "1" }), 1);
  const web = marked(deployment("default", "web", "registry.example/web:1"), 1);
  await applier.apply({ revision: 1, manifests: [a, web], deletions: [], full: true });
  await m.cluster.client.create(configMap("default", "theirs", { v: "member" }));

  const statuses = await applier.apply({
    revision: 2,
    manifests: [],
    deletions: [
      tomb(a, 2),
      tomb(web, 2),
      tomb(configMap("default", "theirs", {}), 2),
      tomb(configMap("default", "never-existed", {}), 2),
    ],
    full: false,
  });
  assert.deepEqual(statuses, []);
  assert.equal(await m.user.get(id(a)), undefined);
  assert.equal(await m.user.get(id(web)), undefined);
  assert.deepEqual((await m.user.get(id(configMap("default", "theirs", {}))))?.data, { v: "member" });
  assert.equal(applier.ackedRevision, 2);
});

test("an orphaning tombstone leaves the object without MCP's label and annotations", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const keep = marked(configMap("default", "keep", { v: "1" }), 1);
  keep.metadata.labels = { ...keep.metadata.labels, team: "a" };
  await applier.apply({ revision: 1, manifests: [keep], deletions: [], full: true });
  await applier.apply({ revision: 2, manifests: [], deletions: [tomb(keep, 2, true)], full: false });
  const live = await m.user.get(id(keep));
  assert.ok(live, "still there");
  assert.deepEqual(live.data, { v: "1" });
  assert.deepEqual(live.metadata.labels, { team: "a" });
  assert.deepEqual(
    Object.keys(live.metadata.annotations ?? {}).filter((k) => k.startsWith("mcp.platform/")),
    [],
  );
  // Not MCP's any more: a later full update without it does not delete it.
  await applier.apply({ revision: 3, manifests: [], deletions: [], full: true });
  assert.ok(await m.user.get(id(keep)));
});

test("a full update removes what MCP applied before and is no longer in the set", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const ns = marked(namespace("team-a"), 1);
  const a = marked(configMap("team-a", "a", { v: "1" }), 1);
  const b = marked(configMap("team-a", "b", { v: "1" }), 1);
  await applier.apply({ revision: 1, manifests: [ns, a, b], deletions: [], full: true });
  const s = await applier.apply({ revision: 4, manifests: [ns, marked(a, 4)], deletions: [], full: true });
  assert.deepEqual(
    s?.map((x) => x.identifier.name),
    ["team-a", "a"],
  );
  assert.equal(await m.user.get(id(b)), undefined);
  assert.ok(await m.user.get(id(a)));
  // A tombstone for a manifest the same update brings back is not a removal.
  const again = await applier.apply({
    revision: 5,
    manifests: [marked(a, 5)],
    deletions: [tomb(a, 5)],
    full: false,
  });
  assert.equal(again?.find((x) => x.identifier.name === "a")?.applied, true);
  assert.ok(await m.user.get(id(a)));
});

test("a removal the member could not take is kept and retried by resync", async (t) => {
  const m = await startTestMember(t);
  const persistence = memoryPersistence();
  const applier = m.applier({ persistence, timeoutMs: 1000 });
  const a = marked(configMap("default", "a", { v: "1" }), 1);
  await applier.apply({ revision: 1, manifests: [a], deletions: [], full: true });
  await m.cluster.updateFaults({ offline: true });
  await applier.apply({ revision: 2, manifests: [], deletions: [tomb(a, 2)], full: false });
  assert.equal(applier.ackedRevision, 2);
  assert.deepEqual(
    persistence.saved.at(-1)?.pendingDeletions?.map((x) => x.name),
    ["a"],
  );
  await m.cluster.updateFaults({ offline: false });
  assert.ok(await m.user.get(id(a)), "not removed while offline");
  await applier.resync();
  assert.equal(await m.user.get(id(a)), undefined);
  assert.deepEqual(persistence.saved.at(-1)?.pendingDeletions, []);
});

test("a Namespace is not deleted while desired objects live in it; it goes once they are gone", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const ns = marked(namespace("team-b"), 1);
  const a = marked(configMap("team-b", "a", { v: "1" }), 1);
  await applier.apply({ revision: 1, manifests: [ns, a], deletions: [], full: true });
  await applier.apply({ revision: 2, manifests: [], deletions: [tomb(ns, 2)], full: false });
  assert.ok(await m.user.get(id(ns)), "kept: a desired ConfigMap lives in it");
  assert.ok(await m.user.get(id(a)));
  await applier.apply({ revision: 3, manifests: [], deletions: [tomb(a, 3)], full: false });
  await applier.resync();
  const left = await m.user.get(id(ns));
  assert.ok(left === undefined || left.metadata.deletionTimestamp, "deleted (or terminating) once empty");
});
