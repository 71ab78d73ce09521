// What the applier asks of a real apiserver and how it reads the answers, against a scripted
// kube-apiserver: force only for objects MCP manages or adopts, a 409 apply conflict reported as
// a Conflict naming the other field manager, a 403 failing one manifest but not the rest, and
// the member's warnings (dropped unknown fields) shown in the manifest's status.
import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { KubeObject } from "../apis/meta/types.ts";
import { MemberApplier } from "./applier.ts";
import { type FakeApiserver, startFakeApiserver, status, withStore } from "./fake-apiserver.ts";
import { appliedConfiguration } from "./operations.ts";
import { configMap, marked } from "./testing.ts";

function applier(t: { after(fn: () => unknown): void }, fake: FakeApiserver): MemberApplier {
  const a = new MemberApplier({
    kubeConfig: fake.kc,
    log: pino({ level: "silent" }),
    retry: () => undefined,
  });
  t.after(() => a.close());
  return a;
}

const applies = (fake: FakeApiserver) =>
  fake.requests
    .filter((r) => r.method === "PATCH")
    .map((r) => [r.path.split("/").pop(), r.query.force ?? "-"]);

test("force only for objects MCP manages or adopts; a new object is created without it", async (t) => {
  const fake = await startFakeApiserver(t);
  const store = withStore(fake);
  // In the member already: one MCP labelled (the push syncer's memory was lost with a hub restart),
  // one someone else's that the policy says to adopt, one someone else's to leave alone.
  const path = (name: string) => `/api/v1/namespaces/shop/configmaps/${name}`;
  store.set(path("labelled"), marked(configMap("shop", "labelled", { v: "old" }), 1));
  store.set(path("adopted"), configMap("shop", "adopted", { v: "theirs" }));
  store.set(path("theirs"), configMap("shop", "theirs", { v: "theirs" }));
  const a = applier(t, fake);
  const statuses = await a.apply({
    revision: 1,
    full: true,
    deletions: [],
    manifests: [
      marked(configMap("shop", "fresh", { v: "1" }), 1),
      marked(configMap("shop", "labelled", { v: "1" }), 1),
      marked(configMap("shop", "adopted", { v: "1" }), 1, {
        "mcp.platform/conflict-resolution": "Overwrite",
      }),
      marked(configMap("shop", "theirs", { v: "1" }), 1),
    ],
  });
  assert.deepEqual(applies(fake).sort(), [
    ["adopted", "true"],
    ["fresh", "-"],
    ["labelled", "true"],
  ]);
  assert.deepEqual(
    statuses?.map((s) => [s.identifier.name, s.applied, s.reason]),
    [
      ["fresh", true, undefined],
      ["labelled", true, undefined],
      ["adopted", true, undefined],
      ["theirs", false, "Conflict"],
    ],
  );
  // Once MCP's, a change is applied with force (a member-side edit of its fields is drift).
  fake.requests.length = 0;
  await a.apply({
    revision: 2,
    full: false,
    deletions: [],
    manifests: [marked(configMap("shop", "fresh", { v: "2" }), 2)],
  });
  assert.deepEqual(applies(fake), [["fresh", "true"]]);
});

test("a 409 apply conflict (created by someone else meanwhile) is a Conflict naming the other manager", async (t) => {
  const fake = await startFakeApiserver(t);
  withStore(fake, (r) =>
    r.method === "PATCH" && r.path.endsWith("/raced")
      ? status(409, "Conflict", 'Apply failed with 1 conflict: conflict with "helm" using v1: .data.v', [
          { reason: "FieldManagerConflict", message: 'conflict with "helm" using v1', field: ".data.v" },
        ])
      : undefined,
  );
  const a = applier(t, fake);
  const statuses = await a.apply({
    revision: 1,
    full: true,
    deletions: [],
    manifests: [
      marked(configMap("shop", "raced", { v: "1" }), 1),
      marked(configMap("shop", "other", { v: "1" }), 1),
    ],
  });
  const [raced, other] = statuses ?? [];
  assert.equal(raced.applied, false);
  assert.equal(raced.reason, "Conflict");
  assert.match(raced.message ?? "", /conflict with "helm" using v1: \.data\.v/);
  assert.match(raced.message ?? "", /conflictResolution: Overwrite/);
  assert.equal(other.applied, true);
});

test("a 403 fails that manifest with the apiserver's words; the member is not taken for unreachable", async (t) => {
  const fake = await startFakeApiserver(t);
  withStore(fake, (r) =>
    r.method === "PATCH" && r.path.includes("/deployments/")
      ? status(
          403,
          "Forbidden",
          'deployments.apps "web" is forbidden: User "system:serviceaccount:mcp-system:mcp-agent" cannot patch resource "deployments" in API group "apps" in the namespace "shop"',
        )
      : undefined,
  );
  const a = applier(t, fake);
  const web: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop" },
    spec: { replicas: 1 },
  };
  const statuses = await a.apply({
    revision: 1,
    full: true,
    deletions: [],
    manifests: [marked(web, 1), marked(configMap("shop", "after", { v: "1" }), 1)],
  });
  const byName = new Map(statuses?.map((s) => [s.identifier.name, s]));
  assert.equal(byName.get("web")?.applied, false);
  assert.equal(byName.get("web")?.reason, "ApplyFailed");
  assert.match(byName.get("web")?.message ?? "", /cannot patch resource "deployments"/);
  assert.equal(byName.get("after")?.applied, true);
});

test("the member's warnings (an unknown field it dropped) show in the status, also after a resync", async (t) => {
  const fake = await startFakeApiserver(t);
  const store = withStore(fake);
  const handle = fake.handle!;
  fake.handle = (r) => {
    const reply = handle(r);
    return r.method === "PATCH" && reply
      ? { ...reply, headers: { Warning: '299 - "unknown field \\"spec.futureField\\""' } }
      : reply;
  };
  const a = applier(t, fake);
  const m = marked(configMap("shop", "c", { v: "1" }), 1);
  const [applied] = (await a.apply({ revision: 1, full: true, deletions: [], manifests: [m] })) ?? [];
  assert.equal(applied.applied, true);
  assert.equal(applied.message, 'the member warned: unknown field "spec.futureField"');
  assert.equal(store.size, 1);
  const [again] = await a.resync();
  assert.equal(again.message, applied.message);
});

test("a Namespace still terminating in the member is not reported Healthy; once gone, a resync creates it again", async (t) => {
  const fake = await startFakeApiserver(t);
  const store = withStore(fake);
  const path = "/api/v1/namespaces/shop";
  const ns = marked({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } }, 1);
  const a = applier(t, fake);
  await a.apply({ revision: 1, full: true, deletions: [], manifests: [ns] });
  // Removed and brought back at the hub while the member still deletes its content: the apply is
  // accepted (an object being deleted can be updated) but the Namespace is on its way out.
  const terminating = (o: KubeObject): KubeObject => ({
    ...o,
    metadata: { ...o.metadata, deletionTimestamp: "2026-01-01T00:00:00Z" },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Terminating" },
  });
  store.set(path, terminating(store.get(path)!));
  const [during] = await a.resync();
  assert.equal(during.applied, true);
  assert.equal(during.health, "Unknown");
  assert.match(during.message ?? "", /being deleted in the member/);
  store.delete(path);
  const [after] = await a.resync();
  assert.equal(after.health, "Healthy");
  assert.deepEqual(after.drift, ["(deleted)"]);
  assert.ok(store.has(path));
});

test("the apply body carries no server-set metadata or status (kube-apiserver rejects or preconditions them)", () => {
  // managedFields in an apply body is refused (it must be nil), a resourceVersion or uid becomes
  // a precondition (409 once the object moves on), status is ignored or owned by the wrong writer.
  const m: KubeObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: {
      name: "web",
      namespace: "shop",
      uid: "u",
      resourceVersion: "41",
      generation: 3,
      creationTimestamp: "2026-01-01T00:00:00Z",
      managedFields: [
        {
          manager: "kubectl",
          operation: "Apply",
          apiVersion: "apps/v1",
          fieldsType: "FieldsV1",
          fieldsV1: {},
        },
      ],
      labels: { app: "web" },
    },
    spec: { replicas: 5, paused: false },
    status: { replicas: 5 },
  };
  const live: KubeObject = { ...m, spec: { replicas: 9 } };
  assert.deepEqual(appliedConfiguration(m, live, [["spec", "replicas"]]), {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels: { app: "web" } },
    // A retained field carries the member's value, so MCP's apply neither changes nor drops it.
    spec: { replicas: 9, paused: false },
  });
});
