// Push sync against a simulated member over HTTPS with the stored credential: the hub applies
// the Work, writes Work.status as an ack would, reverts member-side drift every sync interval,
// delivers later changes as deltas and removes what the Work no longer holds.
import assert from "node:assert/strict";
import { test } from "node:test";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { deployment, eventually, id, startTestMember, type TestMember } from "../../member-apply/testing.ts";
import { configMap, type Harness, startHarness } from "./propagation-testing.ts";
import { bindingRefOf } from "./scheduler-bindings.ts";
import { workStatus } from "./work-object.ts";

/** A push Cluster for the member (reached with its admin token), with its credential stored. */
async function pushCluster(
  h: Harness,
  member: TestMember,
  c: { name: string; labels?: Record<string, string>; syncInterval: string },
): Promise<void> {
  const cluster = await h.client.create({
    apiVersion: API_VERSION,
    kind: "Cluster",
    metadata: { name: c.name, ...(c.labels ? { labels: c.labels } : {}) },
    spec: {
      mode: "Push",
      apiEndpoint: member.cluster.url,
      caData: Buffer.from(member.cluster.caPem).toString("base64"),
      syncInterval: c.syncInterval,
    },
  });
  await h.credentials.put(c.name, cluster.metadata.uid!, { token: member.cluster.token });
}

test("a push member gets its Work from the hub, with status, drift correction, updates and removal", async (t) => {
  const member = await startTestMember(t);
  const h = await startHarness(t);
  await pushCluster(h, member, { name: "edge", labels: { tier: "edge" }, syncInterval: "300ms" });
  const template = await h.create(configMap("edge-settings", { mode: "push" }, "default"));
  const binding = await h.bind(template, { clusters: [{ name: "edge" }] });
  const target = id(template);

  await eventually(async () => {
    assert.deepEqual((await member.user.get(target))?.data, { mode: "push" });
    const s = workStatus(await h.work("edge"));
    assert.equal(s.appliedRevision, 1);
    assert.equal(s.conditions?.find((c) => c.type === "Applied")?.status, "True");
    assert.deepEqual(
      s.manifestStatuses?.map((m) => [m.identifier.name, m.applied, m.health]),
      [["edge-settings", true, "Healthy"]],
    );
  });
  const live = (await member.user.get(target)) as KubeObject;
  assert.equal(live.metadata.labels?.["mcp.platform/managed"], "true");
  assert.equal(live.metadata.annotations?.["mcp.platform/binding"], "default/edge-settings-configmap");

  // Drift in the member is reverted by the hub within a few sync intervals, and reported.
  await member.user.patchObject(target, { data: { mode: "edited" } }, { fieldManager: "kubectl-edit" });
  await eventually(async () => {
    assert.deepEqual((await member.user.get(target))?.data, { mode: "push" });
    const s = workStatus(await h.work("edge")).manifestStatuses?.[0];
    assert.ok(s?.lastDriftTime, "the drift is on the Work");
  });

  await h.change(template, (o) => Object.assign(o.data as object, { mode: "push-2" }));
  await eventually(async () => {
    assert.deepEqual((await member.user.get(target))?.data, { mode: "push-2" });
    assert.equal(workStatus(await h.work("edge")).appliedRevision, 2);
  });

  await h.client.delete(bindingRefOf(binding.metadata.namespace!, binding.metadata.name!));
  await eventually(async () => {
    assert.equal(await member.user.get(target), undefined);
    assert.equal(workStatus(await h.work("edge")).appliedRevision, 3);
  });
});

test("a push member's new Deployment is reported Healthy soon after its pods are up, not a sync interval later", async (t) => {
  const member = await startTestMember(t);
  const h = await startHarness(t);
  await pushCluster(h, member, { name: "slow-sync", syncInterval: "10m" });
  const template = await h.create(deployment("default", "web", "registry.example/web:1"));
  await h.bind(template, { clusters: [{ name: "slow-sync", replicas: 2 }] });
  await eventually(async () => {
    const s = workStatus(await h.work("slow-sync")).manifestStatuses?.[0];
    assert.equal(s?.applied, true);
    assert.equal(s?.health, "Healthy", `health ${s?.health}`);
    // Early resyncs come 1, 3, 7, 15, 31 s after the apply (doubling): within a minute however
    // slowly a loaded machine starts the pods, never the 10 minutes of the sync interval.
  }, 60_000);
});

test("a push member's new credential reaches the syncer: the Work is applied with it", async (t) => {
  const member = await startTestMember(t);
  const h = await startHarness(t);
  await pushCluster(h, member, { name: "rotated", syncInterval: "200ms" });
  const cluster = (await h.client.get({ apiVersion: API_VERSION, kind: "Cluster", name: "rotated" }))!;
  await h.credentials.put("rotated", cluster.metadata.uid!, { token: "revoked-token" });
  const template = await h.create(configMap("rotated-settings", { mode: "push" }, "default"));
  await h.bind(template, { clusters: [{ name: "rotated" }] });
  await eventually(async () => {
    const s = workStatus(await h.work("rotated")).manifestStatuses?.[0];
    assert.equal(s?.applied, false);
    assert.match(String(s?.message), /401|Unauthorized/i);
  });

  await h.credentials.put("rotated", cluster.metadata.uid!, { token: member.cluster.token });
  await eventually(async () => {
    assert.deepEqual((await member.user.get(id(template)))?.data, { mode: "push" });
    assert.equal(workStatus(await h.work("rotated")).manifestStatuses?.[0]?.applied, true);
  });
});

test("a push sync that throws records SyncFailed on the template and binding, once per failure", async (t) => {
  let failure: string | undefined = "cannot reach https://10.0.0.9:6443: connection refused";
  let applies = 0;
  let passed = 0;
  const h = await startHarness(t, {
    newPushApplier: () => ({
      ackedRevision: 0,
      async apply() {
        applies++;
        if (failure) throw new Error(failure);
        passed++;
        return [];
      },
      statuses: () => [],
      resync: async () => [],
      close: async () => {},
    }),
  });
  const cluster = await h.client.create({
    apiVersion: API_VERSION,
    kind: "Cluster",
    metadata: { name: "far" },
    spec: { mode: "Push", apiEndpoint: "https://10.0.0.9:6443", syncInterval: "1h" },
  });
  const template = await h.create(configMap("far-settings", { a: "1" }, "default"));
  const binding = await h.bind(template, { clusters: [{ name: "far" }] });
  const syncFailed = async () =>
    (await h.client.list("v1", "Event", "default"))
      .filter((e) => e.reason === "SyncFailed")
      .map((e) => `${(e.involvedObject as { kind: string }).kind} x${e.count}: ${e.message}`)
      .sort();

  // No credential stored yet: the pass throws before any applier exists.
  await eventually(async () =>
    assert.deepEqual(await syncFailed(), [
      `ConfigMap x1: cluster far: ApplyFailed: no credential is stored for push cluster "far"; join it again`,
      `ResourceBinding x1: cluster far: ApplyFailed: no credential is stored for push cluster "far"; join it again`,
    ]),
  );
  // The Work says so too, as an agent's error ack does.
  const applied = async () => {
    const c = workStatus(await h.work("far")).conditions?.find((x) => x.type === "Applied");
    return `${c?.status} ${c?.reason}: ${c?.message}`;
  };
  await eventually(async () =>
    assert.equal(
      await applied(),
      `False AgentError: push sync failed: no credential is stored for push cluster "far"; join it again`,
    ),
  );

  // The member cannot be reached: one more event each, however often the pass is retried.
  await h.credentials.put("far", cluster.metadata.uid!, { token: "t" });
  const unreachable = "cluster far: ApplyFailed: cannot reach https://10.0.0.9:6443: connection refused";
  const told = (count: number) => [
    `ConfigMap x${count}: ${unreachable}`,
    `ResourceBinding x${count}: ${unreachable}`,
  ];
  await eventually(async () =>
    assert.deepEqual(
      (await syncFailed()).filter((e) => e.includes("cannot reach")),
      told(1),
    ),
  );
  const retried = applies;
  await eventually(() => assert.ok(applies > retried, "retried"), 15_000);
  assert.deepEqual(
    (await syncFailed()).filter((e) => e.includes("cannot reach")),
    told(1),
  );
  const onBinding = (await h.client.list("v1", "Event", "default")).find(
    (e) => e.reason === "SyncFailed" && (e.involvedObject as { uid?: string }).uid === binding.metadata.uid,
  );
  assert.equal(onBinding?.type, "Warning");

  // A good pass ends the failure; failing again (with the same text) is a new transition, told again.
  failure = undefined;
  await h.change(template, (o) => Object.assign(o.data as object, { a: "2" }));
  await eventually(() => assert.ok(passed > 0));
  await eventually(async () => assert.match(await applied(), /^True Applied: /));
  failure = "cannot reach https://10.0.0.9:6443: connection refused";
  await h.change(template, (o) => Object.assign(o.data as object, { a: "3" }));
  await eventually(async () =>
    assert.deepEqual(
      (await syncFailed()).filter((e) => e.includes("cannot reach")),
      told(2),
    ),
  );
});
