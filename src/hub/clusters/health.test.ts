import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import type { ObservedClusterStatus } from "../../agent/status/collect.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { readyStatus } from "./cluster-object.ts";
import type { Condition } from "./conditions.ts";
import { CredentialStore } from "./credentials.ts";
import { startClusterControllers } from "./index.ts";
import { clusterRef } from "./status.ts";
import { eventually } from "./testing.ts";

const observed: ObservedClusterStatus = {
  kubernetesVersion: "v1.29.4",
  nodes: { total: 1, ready: 1 },
  components: {},
  notes: [],
  observedAt: new Date().toISOString(),
};

async function setup(t: { after(fn: () => Promise<void>): void }, missedHeartbeats = 3) {
  const store = openMemoryStore();
  const client = new InternalClient(new ObjectStore(store), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  const metrics = new Registry();
  const controllers = startClusterControllers({
    store,
    client,
    credentials: new CredentialStore(store, Buffer.alloc(32, 7)),
    log: pino({ level: "silent" }),
    metrics,
    missedHeartbeats,
  });
  await controllers.synced;
  t.after(async () => {
    await controllers.stop();
    await store.close();
  });
  // Registration marks pull clusters accepted (unless approval is required).
  const create = (name: string, spec: Record<string, unknown>) =>
    client.create({
      apiVersion: "mcp.platform/v1",
      kind: "Cluster",
      metadata: { name },
      spec: { hubAcceptsClient: true, ...spec },
    });
  const get = async (name: string) => (await client.get(clusterRef(name)))!;
  const gauge = async (name: string) => {
    const m = await metrics.getSingleMetric("mcp_cluster_ready")!.get();
    return m.values.find((v) => v.labels.cluster === name)?.value;
  };
  return { client, controllers, create, get, gauge };
}

const ready = (c: KubeObject) =>
  (c.status as { conditions?: Condition[] } | undefined)?.conditions?.find((x) => x.type === "Ready");

test("a pull cluster that misses its heartbeats becomes Unknown within the window, with an event, and back", async (t) => {
  const { client, controllers, create, get, gauge } = await setup(t);
  await create("c1", { mode: "Pull", syncInterval: "100ms" });
  const lastBeat = Date.now();
  await controllers.recordHeartbeat("c1", observed);
  assert.equal(readyStatus(await get("c1")), "True");
  await eventually(
    () => gauge("c1"),
    (v) => v === 1,
  );

  const c = await eventually(
    () => get("c1"),
    (x) => readyStatus(x) === "Unknown",
    10_000,
  );
  // Not before 3 intervals; how soon after is the machine's business (a shared, noisy one).
  const after = Date.now() - lastBeat;
  assert.ok(after >= 300, `not before 3 intervals (${after} ms)`);
  assert.equal(ready(c)?.reason, "ClusterStatusUnknown");
  assert.equal(ready(c)?.message, "no heartbeat for 3 intervals of 100ms");
  assert.equal(
    c.status &&
      (c.status as { conditions: Condition[] }).conditions.find((x) => x.type === "Reachable")?.status,
    "Unknown",
  );
  await eventually(
    () => gauge("c1"),
    (v) => v === -1,
  );
  const unknownEvents = async () =>
    (await client.list("v1", "Event", "default")).filter(
      (e) => e.type === "Warning" && e.reason === "ClusterStatusUnknown",
    );
  assert.deepEqual(
    (await unknownEvents()).map((e) => e.count),
    [1, 1],
    "one each for Ready and Reachable",
  );

  // Back: the next heartbeat makes it Ready again, and silence makes it Unknown again.
  await controllers.recordHeartbeat("c1", observed);
  assert.equal(readyStatus(await get("c1")), "True");
  await eventually(
    () => gauge("c1"),
    (v) => v === 1,
  );
  await eventually(
    () => get("c1"),
    (x) => readyStatus(x) === "Unknown",
    3000,
  );
  assert.deepEqual(
    (await unknownEvents()).map((e) => e.count),
    [2, 2],
    "a second outage aggregates",
  );
});

test("steady heartbeats keep a cluster Ready; a larger missedHeartbeats widens the window", async (t) => {
  const { controllers, create, get } = await setup(t, 5);
  await create("c1", { mode: "Pull", syncInterval: "100ms" });
  const until = Date.now() + 800;
  let lastBeat = 0;
  while (Date.now() < until) {
    lastBeat = Date.now();
    await controllers.recordHeartbeat("c1", observed);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(readyStatus(await get("c1")), "True");
  }
  await eventually(
    () => get("c1"),
    (x) => readyStatus(x) === "Unknown",
    3000,
  );
  assert.ok(Date.now() - lastBeat >= 500, "five intervals");
});

test("push clusters are left to the poller; a cluster that never reported goes Unknown after the window", async (t) => {
  const { create, get } = await setup(t);
  await create("pushed", { mode: "Push", apiEndpoint: "https://127.0.0.1:1", syncInterval: "1h" });
  await create("silent", { mode: "Pull", syncInterval: "100ms" });
  const c = await eventually(
    () => get("silent"),
    (x) => readyStatus(x) === "Unknown",
    3000,
  );
  assert.equal(ready(c)?.reason, "ClusterStatusUnknown");
  // The poller may have found it unreachable (it has no credential), but never "no heartbeat".
  assert.notEqual(ready(await get("pushed"))?.reason, "ClusterStatusUnknown");
});

test("after a hub restart, clusters get a full window before being judged", async (t) => {
  const store = openMemoryStore();
  const client = new InternalClient(new ObjectStore(store), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  await client.create({
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "old" },
    spec: { syncInterval: "100ms", hubAcceptsClient: true },
  });
  // An hour-old heartbeat, as after a long hub outage.
  const { recordHeartbeat } = await import("./status.ts");
  await recordHeartbeat(client, "old", observed, new Date(Date.now() - 3_600_000));
  const started = Date.now();
  const controllers = startClusterControllers({
    store,
    client,
    credentials: new CredentialStore(store, Buffer.alloc(32, 7)),
    log: pino({ level: "silent" }),
    metrics: new Registry(),
  });
  t.after(async () => {
    await controllers.stop();
    await store.close();
  });
  await controllers.synced;
  await new Promise((r) => setTimeout(r, 150));
  assert.equal(readyStatus((await client.get(clusterRef("old")))!), "True", "not judged at once");
  await eventually(
    async () => readyStatus((await client.get(clusterRef("old")))!),
    (s) => s === "Unknown",
    3000,
  );
  assert.ok(Date.now() - started >= 300);
});
