// Resync against a simulated member: member-side changes to hub-owned fields are reported as drift
// and reverted, retained fields stay the member's, deleted objects come back, unchanged objects
// are not written, and health follows the simulator's controllers.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { STRATEGIC_MERGE_PATCH } from "./client.ts";
import {
  configMap,
  deployment,
  eventually,
  id,
  marked,
  memoryPersistence,
  startTestMember,
} from "./testing.ts";

const imageOf = (d: KubeObject | undefined) =>
  (d?.spec as { template: { spec: { containers: { image: string }[] } } } | undefined)?.template.spec
    .containers[0].image;
const replicasOf = (d: KubeObject | undefined) => (d?.spec as { replicas?: number } | undefined)?.replicas;

test("a member-side image change is drift: reported with its path, reverted, then cleared", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const web = marked(deployment("default", "web", "registry.example/web:1.0"), 1);
  const cm = marked(configMap("default", "settings", { mode: "hub" }), 1);
  await applier.apply({ revision: 1, manifests: [web, cm], deletions: [], full: true });
  const rvBefore = (await m.user.get(id(cm)))?.metadata.resourceVersion;

  // Nothing changed: no drift, and nothing is written.
  for (const s of await applier.resync()) assert.equal(s.drift, undefined);
  assert.equal(
    (await m.user.get(id(cm)))?.metadata.resourceVersion,
    rvBefore,
    "an unchanged object is not re-applied",
  );

  // `kubectl set image` does a strategic merge patch under its own field manager.
  await m.user.patchObject(
    id(web),
    { spec: { template: { spec: { containers: [{ name: "web", image: "registry.example/evil:6.6" }] } } } },
    { contentType: STRATEGIC_MERGE_PATCH, fieldManager: "kubectl-set" },
  );
  await m.user.patchObject(
    id(cm),
    { data: { mode: "edited", extra: "member" } },
    { fieldManager: "kubectl-edit" },
  );
  assert.equal(imageOf(await m.user.get(id(web))), "registry.example/evil:6.6");

  const drifted = new Map((await applier.resync()).map((s) => [s.identifier.name, s]));
  assert.deepEqual(drifted.get("web")?.drift, ["spec.template.spec.containers[0].image"]);
  assert.ok(drifted.get("web")?.lastDriftTime);
  assert.ok(!Number.isNaN(Date.parse(drifted.get("web")!.lastDriftTime!)));
  // Only the hub's field counts: the member's extra key is not the hub's.
  assert.deepEqual(drifted.get("settings")?.drift, ["data.mode"]);
  assert.equal(imageOf(await m.user.get(id(web))), "registry.example/web:1.0", "reverted");
  assert.deepEqual((await m.user.get(id(cm)))?.data, { mode: "hub", extra: "member" });

  // The next check finds nothing new; the time of the last drift stays.
  const calm = new Map((await applier.resync()).map((s) => [s.identifier.name, s]));
  assert.equal(calm.get("web")?.drift, undefined);
  assert.equal(calm.get("web")?.lastDriftTime, drifted.get("web")?.lastDriftTime);
});

test("retained fields stay the member's: spec.replicas under mcp.platform/retain-fields", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const retain = { "mcp.platform/retain-fields": "spec.replicas" };
  const v1 = marked(deployment("default", "api", "registry.example/api:1", 3), 1, retain);
  await applier.apply({ revision: 1, manifests: [v1], deletions: [], full: true });
  assert.equal(replicasOf(await m.user.get(id(v1))), 3, "created with the hub's replicas");

  // A new revision while nobody else touched replicas: the member's value (3) stays, it is not
  // dropped (and defaulted) because MCP left the field out of its apply.
  const v2 = marked(deployment("default", "api", "registry.example/api:2", 3), 2, retain);
  await applier.apply({ revision: 2, manifests: [v2], deletions: [], full: false });
  assert.equal(replicasOf(await m.user.get(id(v1))), 3);

  // An HPA (here: a merge patch) scales the member's copy; resync and later revisions keep it.
  await m.user.patchObject(id(v1), { spec: { replicas: 7 } }, { fieldManager: "horizontal-pod-autoscaler" });
  const [s] = await applier.resync();
  assert.equal(s.drift, undefined, "a retained field is no drift");
  const v3 = marked(deployment("default", "api", "registry.example/api:3", 3), 3, retain);
  await applier.apply({ revision: 3, manifests: [v3], deletions: [], full: false });
  const live = await m.user.get(id(v1));
  assert.equal(replicasOf(live), 7);
  assert.equal(imageOf(live), "registry.example/api:3", "the hub's fields still apply");
});

test("an object deleted in the member is re-created and reported as drift", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const cm = marked(configMap("default", "gone", { a: "1" }), 1);
  await applier.apply({ revision: 1, manifests: [cm], deletions: [], full: true });
  await m.user.deleteObject(id(cm));
  assert.equal(await m.user.get(id(cm)), undefined);
  const [s] = await applier.resync();
  assert.equal(s.applied, true);
  assert.deepEqual(s.drift, ["(deleted)"]);
  assert.deepEqual((await m.user.get(id(cm)))?.data, { a: "1" });
});

test("after a restart (no baseline) unchanged objects are left alone and changed ones reverted", async (t) => {
  const m = await startTestMember(t);
  const persistence = memoryPersistence();
  const web = marked(deployment("default", "web", "registry.example/web:1.0"), 1);
  const cm = marked(configMap("default", "settings", { mode: "hub" }), 1);
  await m.applier({ persistence }).apply({ revision: 1, manifests: [web, cm], deletions: [], full: true });
  const webRv = (await m.user.get(id(web)))?.metadata.resourceVersion;
  await m.user.patchObject(id(cm), { data: { mode: "edited" } }, { fieldManager: "kubectl-edit" });

  const restarted = m.applier({ persistence });
  const byName = new Map((await restarted.resync()).map((s) => [s.identifier.name, s]));
  assert.equal(byName.get("web")?.drift, undefined);
  assert.equal((await m.user.get(id(web)))?.metadata.resourceVersion, webRv, "not re-applied");
  assert.deepEqual(byName.get("settings")?.drift, ["data.mode"]);
  assert.deepEqual((await m.user.get(id(cm)))?.data, { mode: "hub" });
});

test("a Deployment's health follows the member's controllers until it is available", async (t) => {
  const m = await startTestMember(t);
  const applier = m.applier();
  const web = marked(deployment("default", "web", "registry.example/web:1.0", 2), 1);
  const [first] = (await applier.apply({ revision: 1, manifests: [web], deletions: [], full: true }))!;
  assert.notEqual(first.health, "Healthy", "no pod can be available at creation");
  const s = await eventually(async () => {
    const [x] = await applier.resync();
    assert.equal(x.health, "Healthy", JSON.stringify(x));
    return x;
  }, 30_000);
  assert.equal(s.replicas, 2);
  assert.equal(s.readyReplicas, 2);
  assert.equal(s.availableReplicas, 2);
  assert.equal(s.updatedReplicas, 2);
  assert.equal(s.drift, undefined, "status written by controllers is not drift");
});
