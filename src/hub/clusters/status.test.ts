import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObservedClusterStatus } from "../../agent/status/collect.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { hubResourceRegistry } from "../hub.ts";
import type { Condition } from "./conditions.ts";
import { clusterRef, recordHeartbeat, setClusterConditions, statusUnknownConditions } from "./status.ts";

const observed = (ready = 3): ObservedClusterStatus => ({
  kubernetesVersion: "v1.29.4",
  nodes: { total: 3, ready },
  capacity: { cpu: "24", memory: "96Gi", pods: "330" },
  allocatable: { cpu: "23", memory: "90Gi", pods: "330" },
  components: {
    etcdVersion: "3.5.12",
    cni: { name: "calico", version: "v3.27.2" },
    kubeProxyMode: "iptables",
  },
  notes: [],
  observedAt: new Date().toISOString(),
});

async function setup(): Promise<InternalClient> {
  const store = openMemoryStore();
  const client = new InternalClient(new ObjectStore(store), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  await client.create({
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "c1", labels: { region: "eu" } },
    spec: { mode: "Pull" },
  });
  return client;
}

const cluster = async (client: InternalClient) => (await client.get(clusterRef("c1")))!;
const conditions = (c: KubeObject) => (c.status as { conditions: Condition[] }).conditions;
const cond = (c: KubeObject, type: string) => conditions(c).find((x) => x.type === type)!;
const events = (client: InternalClient) => client.list("v1", "Event", "default");

test("a heartbeat writes the observed status, Ready/Reachable True, and one event per transition", async () => {
  const client = await setup();
  const t0 = new Date("2026-01-01T00:00:00.250Z");
  await recordHeartbeat(client, "c1", observed(), t0);
  const c = await cluster(client);
  const s = c.status as Record<string, unknown>;
  assert.equal(s.kubernetesVersion, "v1.29.4");
  assert.deepEqual(s.nodes, { total: 3, ready: 3 });
  assert.equal(s.lastHeartbeatTime, "2026-01-01T00:00:00.250Z");
  assert.equal((s.components as { cni: { name: string } }).cni.name, "calico");
  assert.equal(s.notes, undefined, "collector notes are not stored");
  assert.deepEqual(cond(c, "Ready"), {
    type: "Ready",
    status: "True",
    reason: "ClusterReady",
    message: "the cluster is reporting status",
    lastTransitionTime: "2026-01-01T00:00:00Z",
    observedGeneration: 1,
  });
  assert.equal(cond(c, "Reachable").status, "True");
  const evs = await events(client);
  assert.deepEqual(evs.map((e) => [e.reason, e.type, e.count]).sort(), [
    ["ClusterReachable", "Normal", 1],
    ["ClusterReady", "Normal", 1],
  ]);
  const ev = evs.find((e) => e.reason === "ClusterReady")!;
  const { resourceVersion, ...involved } = ev.involvedObject as Record<string, unknown>;
  assert.deepEqual(involved, {
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    name: "c1",
    uid: c.metadata.uid,
  });
  assert.ok(resourceVersion);
  assert.match(String(ev.message), /^Ready is True: /);
});

test("repeated heartbeats move lastHeartbeatTime only: no lastTransitionTime churn, no events", async () => {
  const client = await setup();
  await recordHeartbeat(client, "c1", observed(), new Date("2026-01-01T00:00:00Z"));
  const first = await cluster(client);
  for (let i = 1; i <= 5; i++)
    await recordHeartbeat(
      client,
      "c1",
      observed(),
      new Date(Date.parse("2026-01-01T00:00:00Z") + i * 10_000),
    );
  const later = await cluster(client);
  assert.equal((later.status as { lastHeartbeatTime: string }).lastHeartbeatTime, "2026-01-01T00:00:50.000Z");
  assert.deepEqual(conditions(later), conditions(first));
  assert.equal((await events(client)).length, 2);
});

test("Unknown and back: transitions move lastTransitionTime and are recorded; repeats aggregate", async () => {
  const client = await setup();
  const at = (s: number) => new Date(Date.parse("2026-01-01T00:00:00Z") + s * 1000);
  await recordHeartbeat(client, "c1", observed(), at(0));
  const tr = await setClusterConditions(
    client,
    "c1",
    statusUnknownConditions("no heartbeat for 3 intervals (90s)"),
    at(100),
  );
  assert.deepEqual(
    tr.map((t) => [t.type, t.from, t.to]),
    [
      ["Ready", "True", "Unknown"],
      ["Reachable", "True", "Unknown"],
    ],
  );
  let c = await cluster(client);
  assert.equal(cond(c, "Ready").status, "Unknown");
  assert.equal(cond(c, "Ready").reason, "ClusterStatusUnknown");
  assert.equal(cond(c, "Ready").lastTransitionTime, "2026-01-01T00:01:40Z");
  // Setting the same verdict again writes nothing and records nothing.
  const rv = c.metadata.resourceVersion;
  assert.deepEqual(
    await setClusterConditions(
      client,
      "c1",
      statusUnknownConditions("no heartbeat for 3 intervals (90s)"),
      at(110),
    ),
    [],
  );
  assert.equal((await cluster(client)).metadata.resourceVersion, rv);

  await recordHeartbeat(client, "c1", observed(2), at(120));
  c = await cluster(client);
  assert.equal(cond(c, "Ready").status, "True");
  assert.equal(cond(c, "Ready").lastTransitionTime, "2026-01-01T00:02:00Z");
  // A second flap bumps the same Warning event instead of adding one.
  await setClusterConditions(
    client,
    "c1",
    statusUnknownConditions("no heartbeat for 3 intervals (90s)"),
    at(300),
  );
  const warn = (await events(client)).filter(
    (e) => e.type === "Warning" && e.reason === "ClusterStatusUnknown",
  );
  assert.equal(warn.length, 2, "one per condition");
  assert.ok(warn.every((e) => e.count === 2));
  assert.ok(
    warn.every(
      (e) => e.firstTimestamp === "2026-01-01T00:01:40Z" && e.lastTimestamp === "2026-01-01T00:05:00Z",
    ),
  );
  const back = (await events(client)).find(
    (e) => e.reason === "ClusterReady" && /was Unknown/.test(String(e.message)),
  );
  assert.ok(back, "the return to Ready is its own event");
});

test("a heartbeat drops observed fields the collector could not see, and fails for a deleted cluster", async () => {
  const client = await setup();
  await recordHeartbeat(client, "c1", observed());
  const partial = { ...observed(), nodes: undefined, capacity: undefined };
  await recordHeartbeat(client, "c1", partial);
  const s = (await cluster(client)).status as Record<string, unknown>;
  assert.equal(s.nodes, undefined);
  assert.equal(s.capacity, undefined);
  assert.ok(s.allocatable);
  await assert.rejects(
    recordHeartbeat(client, "gone", observed()),
    (e: unknown) => e instanceof ApiError && e.code === 404,
  );
});

test("a guard checked on the freshest copy keeps a stale verdict from overwriting a heartbeat", async () => {
  const client = await setup();
  await recordHeartbeat(client, "c1", observed(), new Date("2026-01-01T00:00:00Z"));
  const tr = await setClusterConditions(client, "c1", statusUnknownConditions("stale"), new Date(), {
    when: (c) => (c.status as { lastHeartbeatTime: string }).lastHeartbeatTime < "2025-01-01",
  });
  assert.deepEqual(tr, []);
  assert.equal(cond(await cluster(client), "Ready").status, "True");
});

test("concurrent heartbeats and condition writes all land (retry on conflict)", async () => {
  const client = await setup();
  await Promise.all([
    ...Array.from({ length: 10 }, (_, i) => recordHeartbeat(client, "c1", observed(i % 4))),
    setClusterConditions(client, "c1", [{ type: "Custom", status: "True", reason: "Test", message: "x" }]),
  ]);
  const c = await cluster(client);
  assert.ok(conditions(c).some((x) => x.type === "Custom"));
  assert.equal(cond(c, "Ready").status, "True");
});
