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
  }, 30_000);
});
