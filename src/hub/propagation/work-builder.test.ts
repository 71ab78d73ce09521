// The work builder against an in-memory store: bindings become one Work per cluster with the
// rendered manifests; revisions move only when content does; removals become tombstones that an
// ack prunes; overrides reach only the clusters they target; bursts coalesce.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { manifestRevision } from "../../propagation/identity.ts";
import { configMap, deployment, startHarness } from "./propagation-testing.ts";
import { bindingRefOf } from "./scheduler-bindings.ts";
import { workSpec, workStatus } from "./work-object.ts";
import { recordAck } from "./work-status.ts";

const containerImage = (m: KubeObject) =>
  (m.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image;

test("a binding becomes one Work per target cluster with its rendered, marked manifest", async (t) => {
  const h = await startHarness(t);
  for (const c of ["c1", "c2", "c3"]) await h.cluster(c);
  const web = await h.create(deployment("web", "shop", 6));
  await h.bind(web, {
    clusters: [
      { name: "c1", replicas: 4 },
      { name: "c2", replicas: 2 },
    ],
    replicas: 6,
    conflictResolution: "Overwrite",
    retainFields: ["spec.replicas"],
    immutableFieldChange: "Recreate",
  });
  await h.settle();
  for (const [cluster, replicas] of [
    ["c1", 4],
    ["c2", 2],
  ] as const) {
    const w = await h.work(cluster);
    assert.ok(w, `Work for ${cluster}`);
    assert.equal(w.metadata.namespace, "mcp-system");
    assert.equal(w.metadata.ownerReferences?.[0].kind, "Cluster");
    const spec = workSpec(w);
    assert.equal(spec.cluster, cluster);
    assert.equal(spec.revision, 1);
    assert.match(spec.contentHash ?? "", /^[0-9a-f]{64}$/);
    assert.equal(spec.manifests.length, 1);
    const m = spec.manifests[0];
    assert.equal((m.spec as { replicas: number }).replicas, replicas);
    assert.deepEqual(m.metadata, {
      name: "web",
      namespace: "shop",
      labels: { app: "web", "mcp.platform/managed": "true" },
      annotations: {
        "mcp.platform/binding": "shop/web-deployment",
        "mcp.platform/conflict-resolution": "Overwrite",
        "mcp.platform/retain-fields": "spec.replicas",
        "mcp.platform/immutable-field-change": "Recreate",
        "mcp.platform/revision": "1",
      },
    });
    assert.equal(m.status, undefined);
  }
  assert.equal(await h.work("c3"), undefined, "no Work for a cluster that gets nothing");
});

test("the revision grows only when content changes; a status write changes nothing", async (t) => {
  const h = await startHarness(t);
  await h.cluster("c1");
  let web = await h.create(deployment("web"));
  let cfg = await h.create(configMap("cfg", { a: "1" }));
  await h.bind(web, { clusters: [{ name: "c1" }] });
  await h.bind(cfg, { clusters: [{ name: "c1" }] });
  await h.settle();
  const first = (await h.work("c1"))!;
  assert.equal(workSpec(first).revision, 1);

  // The hub's status controller summing members' replicas writes the template's status only.
  await h.client.mutate(
    { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" },
    (o) => ({ ...o, status: { replicas: 9, readyReplicas: 9 } }),
    { status: true },
  );
  await h.settle();
  assert.equal((await h.work("c1"))!.metadata.resourceVersion, first.metadata.resourceVersion, "no write");

  cfg = await h.change(cfg, (o) => {
    (o.data as Record<string, string>).a = "2";
  });
  await h.settle();
  const second = workSpec((await h.work("c1"))!);
  assert.equal(second.revision, 2);
  const rev = Object.fromEntries(second.manifests.map((m) => [m.kind, manifestRevision(m)]));
  assert.deepEqual(rev, { ConfigMap: 2, Deployment: 1 }, "the unchanged Deployment keeps its revision");
  const cmData = second.manifests.find((m) => m.kind === "ConfigMap")!.data as { a: string };
  assert.equal(cmData.a, "2");

  web = await h.change(web, (o) => {
    o.metadata.labels = { ...o.metadata.labels, tier: "front" };
  });
  await h.settle();
  const third = workSpec((await h.work("c1"))!);
  assert.equal(third.revision, 3);
  assert.equal(third.manifests.find((m) => m.kind === "Deployment")?.metadata.labels?.tier, "front");
});

test("removing a cluster from a binding leaves a tombstone at a new revision; the ack prunes it", async (t) => {
  const h = await startHarness(t);
  await h.cluster("c1");
  await h.cluster("c2");
  const cfg = await h.create(configMap("cfg", { a: "1" }));
  const keep = await h.create(configMap("keep", { a: "1" }));
  const b = await h.bind(cfg, { clusters: [{ name: "c1" }, { name: "c2" }] });
  await h.bind(keep, { clusters: [{ name: "c2" }], preserveResourcesOnDeletion: true });
  await h.settle();
  assert.equal(workSpec((await h.work("c2"))!).revision, 1);

  await h.change(b, (o) => {
    (o.spec as { clusters: unknown[] }).clusters = [{ name: "c1" }];
  });
  await h.settle();
  const c2 = workSpec((await h.work("c2"))!);
  assert.equal(c2.revision, 2);
  assert.deepEqual(
    c2.manifests.map((m) => m.metadata.name),
    ["keep"],
  );
  assert.deepEqual(c2.deletions, [
    { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "cfg", revision: 2 },
  ]);
  assert.equal(workSpec((await h.work("c1"))!).revision, 1, "c1 is untouched");

  // A preserving binding deleted (its template is gone): the tombstone orphans.
  await h.client.delete(bindingRefOf("shop", "keep-configmap"));
  await h.settle();
  const c2b = workSpec((await h.work("c2"))!);
  assert.equal(c2b.revision, 3);
  assert.deepEqual(
    c2b.deletions.map((d) => [d.name, d.revision, d.orphan ?? false]),
    [
      ["cfg", 2, false],
      ["keep", 3, true],
    ],
  );

  await recordAck(h.client, "c2", { revision: 2, statuses: [] });
  await h.settle();
  const acked2 = workSpec((await h.work("c2"))!);
  assert.deepEqual(
    acked2.deletions.map((d) => d.name),
    ["keep"],
    "tombstones at or below the applied revision are pruned",
  );
  assert.equal(acked2.revision, 3, "pruning is not a new revision");
  await recordAck(h.client, "c2", { revision: 3, statuses: [] });
  await h.settle();
  assert.deepEqual(workSpec((await h.work("c2"))!).deletions, []);
});

test("an override changes the image in one cluster only; a broken one keeps the cluster as it was", async (t) => {
  const h = await startHarness(t);
  await h.cluster("east-1", { region: "east" });
  await h.cluster("east-2", { region: "east" });
  const web = await h.create(deployment("web"));
  await h.bind(web, { clusters: [{ name: "east-1" }, { name: "east-2" }] });
  await h.settle();
  const before2 = (await h.work("east-2"))!;

  await h.create({
    apiVersion: "mcp.platform/v1",
    kind: "OverridePolicy",
    metadata: { name: "east-1-image", namespace: "shop" },
    spec: {
      resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }],
      overrideRules: [
        {
          targetCluster: { clusterNames: ["east-1"] },
          overriders: { imageOverrider: [{ component: "Tag", operator: "replace", value: "1.1-east" }] },
        },
      ],
    },
  });
  await h.settle();
  const east1 = workSpec((await h.work("east-1"))!);
  assert.equal(east1.revision, 2);
  assert.equal(containerImage(east1.manifests[0]), "registry.example/web:1.1-east");
  const after2 = (await h.work("east-2"))!;
  assert.equal(after2.metadata.resourceVersion, before2.metadata.resourceVersion, "east-2 not rewritten");
  assert.equal(containerImage(workSpec(after2).manifests[0]), "registry.example/web:1.0");

  // A rule that cannot apply in east-2: east-2 keeps its manifest; the binding says why.
  await h.create({
    apiVersion: "mcp.platform/v1",
    kind: "ClusterOverridePolicy",
    metadata: { name: "broken" },
    spec: {
      overrideRules: [
        {
          targetCluster: { clusterNames: ["east-2"] },
          overriders: { plaintext: [{ path: "/spec/nothing/here", operator: "replace", value: 1 }] },
        },
      ],
    },
  });
  await h.change(web, (o) => {
    (o.spec as { replicas: number }).replicas = 3;
  });
  await h.settle();
  assert.equal((workSpec((await h.work("east-1"))!).manifests[0].spec as { replicas: number }).replicas, 3);
  const kept = workSpec((await h.work("east-2"))!).manifests[0];
  assert.equal((kept.spec as { replicas: number }).replicas, 2, "east-2 keeps what it had");
  const binding = await h.client.get(bindingRefOf("shop", "web-deployment"));
  const status = binding?.status as {
    aggregatedStatus: { cluster: string; reason?: string; message?: string }[];
  };
  const entry = status.aggregatedStatus.find((s) => s.cluster === "east-2");
  assert.equal(entry?.reason, "OverrideFailed");
  assert.equal(
    entry?.message,
    "ClusterOverridePolicy broken rule 0: plaintext[0] replace /spec/nothing/here: path does not exist",
  );
});

test("a burst of template changes becomes one Work write per cluster", async (t) => {
  const h = await startHarness(t, { coalesceMs: 100 });
  const clusters = ["c1", "c2", "c3"];
  for (const c of clusters) await h.cluster(c);
  const templates: KubeObject[] = [];
  for (let i = 0; i < 10; i++) {
    const cm = await h.create(configMap(`cm-${i}`, { v: "0" }));
    templates.push(cm);
    await h.bind(cm, { clusters: clusters.map((name) => ({ name })) });
  }
  await h.settle();
  const writes = async () =>
    Number((await h.metrics.getSingleMetric("mcp_work_writes_total")!.get()).values[0].value);
  const before = await writes();
  await Promise.all(templates.map((cm) => h.change(cm, (o) => Object.assign(o.data as object, { v: "1" }))));
  await h.settle();
  assert.equal((await writes()) - before, clusters.length, "ten changes, one write per cluster");
  for (const c of clusters) {
    const spec = workSpec((await h.work(c))!);
    assert.equal(spec.revision, 2);
    assert.ok(spec.manifests.every((m) => (m.data as { v: string }).v === "1"));
  }
});

test("evicted clusters and suspended bindings keep what they have; a deleted Cluster loses its Work", async (t) => {
  const h = await startHarness(t);
  await h.cluster("old");
  await h.cluster("new");
  let web = await h.create(deployment("web", "shop", 4));
  const b = await h.bind(web, { clusters: [{ name: "old", replicas: 4 }] });
  await h.settle();
  await h.change(b, (o) => {
    const spec = o.spec as Record<string, unknown>;
    spec.clusters = [{ name: "new", replicas: 4 }];
    spec.gracefulEvictions = [{ cluster: "old", reason: "ClusterUnknown", since: "2026-01-01T00:00:00Z" }];
  });
  web = await h.change(web, (o) => Object.assign(o.spec as object, { replicas: 5 }));
  await h.settle();
  const old = workSpec((await h.work("old"))!);
  assert.equal(old.revision, 1, "the evicted cluster keeps its copy unchanged");
  assert.equal(old.manifests.length, 1);
  assert.equal(workSpec((await h.work("new"))!).manifests.length, 1);

  await h.change(b, (o) => {
    const spec = o.spec as Record<string, unknown>;
    delete spec.gracefulEvictions;
    spec.suspendDispatching = true;
  });
  await h.settle();
  assert.equal(workSpec((await h.work("old"))!).manifests.length, 0, "eviction over: removed");
  await h.change(web, (o) => Object.assign(o.spec as object, { replicas: 7 }));
  await h.settle();
  assert.equal(workSpec((await h.work("new"))!).revision, 1, "suspended: nothing new dispatched");

  await h.client.delete({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "new" });
  await h.settle();
  assert.equal(await h.work("new"), undefined);
  assert.equal(workStatus(await h.work("old")).appliedRevision, undefined);
});
