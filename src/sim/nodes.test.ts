// Node heartbeats: leases renew every beat, Ready is re-posted only when it changes or is due,
// quiet nodes stop renewing and turn Unknown, and a deleted lease comes back.
import assert from "node:assert/strict";
import { test } from "node:test";
import { NodeHeartbeats } from "./nodes.ts";
import { SimScheduler } from "./scheduler.ts";
import { startTestCluster } from "./testing/helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: objects read back from the API are untyped JSON
type Any = Record<string, any>;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("heartbeats renew leases; status is re-posted only when due or changed", async (t) => {
  const { cluster } = await startTestCluster(t, { nodes: 2 });
  const scheduler = new SimScheduler();
  t.after(() => scheduler.stop());
  const hb = new NodeHeartbeats({
    client: cluster.client,
    profile: cluster.profile,
    faults: cluster.faults,
    scheduler,
    statusEveryMs: 60_000,
  });
  const lease = async (name: string) =>
    (
      (await cluster.client.get({
        apiVersion: "coordination.k8s.io/v1",
        kind: "Lease",
        namespace: "kube-node-lease",
        name,
      })) as Any
    )?.spec.renewTime;
  const node = async (name: string) =>
    (await cluster.client.get({ apiVersion: "v1", kind: "Node", name })) as Any;
  const ready = (n: Any) => n.status.conditions.find((c: Any) => c.type === "Ready");

  const before = await lease("sim-001-worker");
  const nodeRv = (await node("sim-001-worker")).metadata.resourceVersion;
  await sleep(5);
  await hb.beat();
  assert.notEqual(await lease("sim-001-worker"), before, "lease renewed");
  assert.equal(
    (await node("sim-001-worker")).metadata.resourceVersion,
    nodeRv,
    "unchanged status not re-posted yet",
  );

  cluster.faults.nodesNotReady.add("sim-001-worker");
  const quiet = await lease("sim-001-worker");
  await sleep(5);
  await hb.beat();
  assert.equal(await lease("sim-001-worker"), quiet, "a quiet kubelet renews nothing");
  assert.notEqual(await lease("sim-001-control-plane"), quiet);
  const down = ready(await node("sim-001-worker"));
  assert.equal(down.status, "Unknown");
  const hbTime = down.lastHeartbeatTime;

  cluster.faults.nodesNotReady.clear();
  await hb.beat();
  const up = ready(await node("sim-001-worker"));
  assert.equal(up.status, "True");
  assert.equal(up.reason, "KubeletReady");
  assert.ok(up.lastHeartbeatTime >= hbTime);
});

test("a deleted lease is recreated; a deleted node is left alone", async (t) => {
  const { cluster } = await startTestCluster(t, { nodes: 2 });
  const ref = {
    apiVersion: "coordination.k8s.io/v1",
    kind: "Lease",
    namespace: "kube-node-lease",
    name: "sim-001-worker",
  };
  await cluster.client.delete(ref);
  await cluster.heartbeat();
  assert.ok(await cluster.client.get(ref));
  await cluster.client.delete({ apiVersion: "v1", kind: "Node", name: "sim-001-worker" });
  await cluster.client.delete(ref);
  await cluster.heartbeat();
  assert.equal(await cluster.client.get(ref), undefined);
  assert.equal(
    await cluster.client.get({ apiVersion: "v1", kind: "Node", name: "sim-001-worker" }),
    undefined,
  );
});
