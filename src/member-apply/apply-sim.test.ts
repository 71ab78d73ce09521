// MemberApplier against a simulated member cluster over HTTPS: creation in dependency order,
// revision ordering, conflicts and adoption, bad manifests, and state that survives a restart.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileStatePersistence } from "./state-file.ts";
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

test("applies a Namespace, a ConfigMap and a Deployment in dependency order, as MCP's", async (t) => {
  const m = await startTestMember(t);
  const persistence = memoryPersistence();
  const applier = m.applier({ persistence });
  // Listed backwards: the ConfigMap and Deployment could not be created before their Namespace.
  const manifests = [
    marked(deployment("shop", "web", "registry.example/web:1.0"), 1),
    marked(configMap("shop", "web-config", { greeting: "hello" }), 1),
    marked(namespace("shop"), 1),
  ];
  const statuses = await applier.apply({ revision: 1, manifests, deletions: [], full: true });
  assert.ok(statuses);
  assert.deepEqual(
    statuses.map((s) => [s.identifier.kind, s.applied, s.revision, s.reason]),
    [
      ["Deployment", true, 1, undefined],
      ["ConfigMap", true, 1, undefined],
      ["Namespace", true, 1, undefined],
    ],
  );
  assert.equal(applier.ackedRevision, 1);

  const cm = await m.user.get(id(manifests[1]));
  assert.deepEqual(cm?.data, { greeting: "hello" });
  assert.equal(cm?.metadata.labels?.["mcp.platform/managed"], "true");
  assert.equal(cm?.metadata.annotations?.["mcp.platform/revision"], "1");
  // Server-side apply under the field manager "mcp".
  assert.deepEqual(
    cm?.metadata.managedFields?.map((f) => [f.manager, f.operation]),
    [["mcp", "Apply"]],
  );
  const d = await m.user.get(id(manifests[0]));
  assert.equal(
    (d!.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]
      .image,
    "registry.example/web:1.0",
  );
  // State saved with the revision, the desired set and the inventory.
  const saved = persistence.saved.at(-1)!;
  assert.equal(saved.ackedRevision, 1);
  assert.equal(saved.desired.length, 3);
  assert.deepEqual(saved.inventory?.map((i) => i.kind).sort(), ["ConfigMap", "Deployment", "Namespace"]);
});

test("never goes back: updates at or below the acked revision are ignored unless full", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const v = (rev: number, greeting: string) => marked(configMap("default", "settings", { greeting }), rev);
  assert.ok(await applier.apply({ revision: 3, manifests: [v(3, "three")], deletions: [], full: true }));
  assert.ok(await applier.apply({ revision: 5, manifests: [v(5, "five")], deletions: [], full: false }));
  // A late, older delta (a reconnect raced it) changes nothing.
  assert.equal(
    await applier.apply({ revision: 4, manifests: [v(4, "four")], deletions: [], full: false }),
    undefined,
  );
  assert.equal(
    await applier.apply({ revision: 5, manifests: [v(5, "again")], deletions: [], full: false }),
    undefined,
  );
  assert.equal(applier.ackedRevision, 5);
  assert.deepEqual((await m.user.get(id(v(5, ""))))?.data, { greeting: "five" });
  // Nor does a delta carrying a manifest older than the one applied.
  const s6 = await applier.apply({ revision: 6, manifests: [v(4, "four")], deletions: [], full: false });
  assert.equal(s6?.[0].revision, 5);
  assert.deepEqual((await m.user.get(id(v(5, ""))))?.data, { greeting: "five" });
  // A full update is the hub's whole truth (a Work recreated): applied even at a lower revision.
  const s = await applier.apply({ revision: 2, manifests: [v(2, "recreated")], deletions: [], full: true });
  assert.equal(s?.[0].revision, 2);
  assert.equal(applier.ackedRevision, 2);
  assert.deepEqual((await m.user.get(id(v(2, ""))))?.data, { greeting: "recreated" });
});

test("an object MCP did not create is a Conflict and untouched; Overwrite adopts it", async (t) => {
  const m = await startTestMember(t);
  await m.cluster.client.create(configMap("default", "legacy", { owner: "member" }));
  const applier = m.applier();
  const hub = marked(configMap("default", "legacy", { owner: "hub" }), 1);
  const [s] = (await applier.apply({ revision: 1, manifests: [hub], deletions: [], full: true }))!;
  assert.equal(s.applied, false);
  assert.equal(s.reason, "Conflict");
  assert.match(s.message!, /already exists in the member and was not created by MCP/);
  assert.match(s.message!, /conflictResolution: Overwrite/);
  let live = await m.user.get(id(hub));
  assert.deepEqual(live?.data, { owner: "member" });
  assert.equal(live?.metadata.labels?.["mcp.platform/managed"], undefined);
  // A resync re-checks, and still leaves it alone.
  const [again] = await applier.resync();
  assert.equal(again.reason, "Conflict");
  assert.deepEqual((await m.user.get(id(hub)))?.data, { owner: "member" });

  const adopt = marked(configMap("default", "legacy", { owner: "hub" }), 2, {
    "mcp.platform/conflict-resolution": "Overwrite",
  });
  const [adopted] = (await applier.apply({ revision: 2, manifests: [adopt], deletions: [], full: false }))!;
  assert.equal(adopted.applied, true, adopted.message);
  live = await m.user.get(id(hub));
  assert.deepEqual(live?.data, { owner: "hub" });
  assert.equal(live?.metadata.labels?.["mcp.platform/managed"], "true");
});

test("a Namespace the member already had is used, not adopted, and never deleted", async (t) => {
  const m = await startTestMember(t);
  await m.cluster.client.create({
    ...namespace("team-a"),
    metadata: { name: "team-a", labels: { owner: "member" } },
  });
  const applier = m.applier();
  const ns = marked(namespace("team-a"), 1);
  const cm = marked(configMap("team-a", "settings", { a: "1" }), 1);
  const [nsStatus, cmStatus] = (await applier.apply({
    revision: 1,
    manifests: [ns, cm],
    deletions: [],
    full: true,
  }))!;
  assert.equal(nsStatus.applied, true);
  assert.equal(nsStatus.reason, "AlreadyExists");
  assert.match(nsStatus.message!, /will not be deleted by MCP/);
  assert.equal(cmStatus.applied, true, cmStatus.message);
  const live = await m.user.get(id(ns));
  assert.equal(live?.metadata.labels?.owner, "member");
  assert.equal(live?.metadata.labels?.["mcp.platform/managed"], undefined);
  // Removing both: MCP's ConfigMap goes, the member's Namespace stays.
  await applier.apply({ revision: 2, manifests: [], deletions: [tomb(ns, 2), tomb(cm, 2)], full: false });
  assert.equal(await m.user.get(id(cm)), undefined);
  assert.ok(await m.user.get(id(ns)));
});

test("a manifest that failed for want of its Namespace is applied as soon as the Namespace arrives", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const web = marked(deployment("late", "web", "registry.example/web:1"), 1);
  const [first] = (await applier.apply({ revision: 1, manifests: [web], deletions: [], full: true }))!;
  assert.equal(first.applied, false);
  assert.match(first.message!, /namespaces "late" not found/);
  const statuses = (await applier.apply({
    revision: 2,
    manifests: [marked(namespace("late"), 2)],
    deletions: [],
    full: false,
  }))!;
  assert.deepEqual(
    statuses.map((s) => [s.identifier.kind, s.applied]),
    [
      ["Deployment", true],
      ["Namespace", true],
    ].sort(),
  );
  assert.ok(await m.user.get(id(web)));
});

test("one bad manifest does not stop the others; each failure carries the apiserver's message", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier({ crdWaitMs: 0 });
  const good = marked(configMap("default", "good", { a: "1" }), 1);
  const unknownKind = marked(
    { apiVersion: "widgets.example.com/v1", kind: "Widget", metadata: { name: "w", namespace: "default" } },
    1,
  );
  const invalid = marked(deployment("default", "broken", "nginx"), 1);
  (invalid.spec as Record<string, unknown>).replicas = "three";
  const badName = marked(configMap("default", "Not_A_Name", { a: "1" }), 1);
  const statuses = (await applier.apply({
    revision: 1,
    manifests: [unknownKind, invalid, good, badName],
    deletions: [],
    full: true,
  }))!;
  const byName = new Map(statuses.map((s) => [s.identifier.name, s]));
  assert.equal(byName.get("good")?.applied, true);
  assert.deepEqual((await m.user.get(id(good)))?.data, { a: "1" });
  for (const name of ["w", "broken", "Not_A_Name"]) {
    assert.equal(byName.get(name)?.applied, false, name);
    assert.equal(byName.get(name)?.reason, "ApplyFailed", name);
  }
  assert.match(byName.get("w")!.message!, /serves no kind Widget in widgets\.example\.com\/v1/);
  assert.match(byName.get("broken")!.message!, /replicas/);
  assert.match(byName.get("Not_A_Name")!.message!, /Not_A_Name/);
  assert.equal(applier.ackedRevision, 1, "the revision is still reached");
  // A resync tries the failed ones again (the kind is still unknown: still failed).
  const after = new Map((await applier.resync()).map((s) => [s.identifier.name, s]));
  assert.equal(after.get("w")?.reason, "ApplyFailed");
  assert.equal(after.get("good")?.applied, true);
});

test("state survives a new applier: revision, desired set and inventory (file, 0600)", async (t) => {
  const m = await startTestMember(t);
  const dir = await mkdtemp(join(tmpdir(), "mcp-applier-state-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const path = join(dir, "member-1", "work.json");
  const first = m.applier({ persistence: fileStatePersistence(path) });
  const a = marked(configMap("default", "a", { v: "1" }), 1);
  const b = marked(configMap("default", "b", { v: "1" }), 1);
  await first.apply({ revision: 1, manifests: [a, b], deletions: [], full: true });
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  assert.equal(JSON.parse(await readFile(path, "utf8")).ackedRevision, 1);

  const second = m.applier({ persistence: fileStatePersistence(path) });
  await second.ready();
  assert.equal(second.ackedRevision, 1);
  assert.equal(await second.apply({ revision: 1, manifests: [], deletions: [], full: false }), undefined);
  // A delta touching only b: the statuses still cover a (read from the member).
  const b2 = marked(configMap("default", "b", { v: "2" }), 2);
  const s = (await second.apply({ revision: 2, manifests: [b2], deletions: [], full: false }))!;
  assert.deepEqual(
    s.map((x) => [x.identifier.name, x.applied, x.revision]),
    [
      ["a", true, 1],
      ["b", true, 2],
    ],
  );
  // The inventory came back too: a full update without a deletes it.
  const third = m.applier({ persistence: fileStatePersistence(path) });
  await third.apply({ revision: 3, manifests: [marked(b2, 3)], deletions: [], full: true });
  assert.equal(await m.user.get(id(a)), undefined);
  assert.ok(await m.user.get(id(b)));
});

test("a CRD and its custom resources in one update: the CRD first, its kind as soon as it is served", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const crd = marked(
    {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { plural: "widgets", singular: "widget", kind: "Widget", listKind: "WidgetList" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: {
              openAPIV3Schema: {
                type: "object",
                properties: { spec: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
              },
            },
          },
        ],
      },
    },
    1,
  );
  const widget = marked(
    {
      apiVersion: "example.com/v1",
      kind: "Widget",
      metadata: { name: "w1", namespace: "default" },
      spec: { size: 3, colour: { primary: "blue" } },
    },
    1,
  );
  const statuses = (await applier.apply({
    revision: 1,
    manifests: [widget, crd],
    deletions: [],
    full: true,
  }))!;
  for (const s of statuses) assert.equal(s.applied, true, s.message);
  // The manifest reached the apiserver as written (no client model dropped or renamed a field).
  const liveCrd = await m.user.get(id(crd));
  const schema = (
    liveCrd!.spec as { versions: { schema: { openAPIV3Schema: { properties: { spec: object } } } }[] }
  ).versions[0].schema.openAPIV3Schema.properties.spec;
  assert.deepEqual(schema, { type: "object", "x-kubernetes-preserve-unknown-fields": true });
  assert.deepEqual((await m.user.get(id(widget)))?.spec, { size: 3, colour: { primary: "blue" } });
});

test("a cluster-scoped manifest carrying a namespace is applied without it", async (t) => {
  const m = await startTestMember(t);
  const role = marked(
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: { name: "reader", namespace: "default" },
      rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
    },
    1,
  );
  const [s] = (await m.applier().apply({ revision: 1, manifests: [role], deletions: [], full: true }))!;
  assert.equal(s.applied, true, s.message);
  const live = await m.user.get({ apiVersion: role.apiVersion, kind: role.kind, name: "reader" });
  assert.equal(live?.metadata.namespace, undefined);
});

test("an unreachable member: the update fails fast, says why, and a later resync applies it", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier({ timeoutMs: 300, concurrency: 2 });
  const manifests = Array.from({ length: 40 }, (_, i) =>
    marked(configMap("default", `c-${i}`, { i: String(i) }), 1),
  );
  await m.cluster.updateFaults({ apiLatencyMs: 5000 });
  const started = Date.now();
  const statuses = (await applier.apply({ revision: 1, manifests, deletions: [], full: true }))!;
  // 40 requests two at a time would take 20 timeouts; after the first ones the rest fail at once.
  assert.ok(Date.now() - started < 3000, `took ${Date.now() - started} ms`);
  assert.equal(statuses.length, 40);
  for (const s of statuses) {
    assert.equal(s.reason, "ApplyFailed");
    assert.match(s.message!, /^cannot reach https:\/\/127\.0\.0\.1:\d+: the request timed out/);
  }
  assert.equal(applier.ackedRevision, 1);
  await m.cluster.updateFaults({ apiLatencyMs: 0 });
  const after = await applier.resync();
  assert.ok(after.every((s) => s.applied));
  assert.deepEqual((await m.user.get(id(manifests[39])))?.data, { i: "39" });
});
