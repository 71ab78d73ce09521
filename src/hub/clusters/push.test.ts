import assert from "node:assert/strict";
import { test } from "node:test";
import type { ObservedClusterStatus } from "../../agent/status/collect.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { readyStatus } from "./cluster-object.ts";
import type { Condition } from "./conditions.ts";
import { startClusterControllers } from "./index.ts";
import { clusterRef } from "./status.ts";
import { eventually, startHttpsMember, startTestHub } from "./testing.ts";

const SECRET = "push-Secret-T0ken-9c1e-never-logged";
const condition = (c: KubeObject | undefined, type: string) =>
  (c?.status as { conditions?: Condition[] } | undefined)?.conditions?.find((x) => x.type === type);

test("push mode: the hub polls the member, notices it going away and coming back, with events", async (t) => {
  const member = await startHttpsMember(SECRET);
  const hub = await startTestHub();
  const controllers = startClusterControllers({
    store: hub.store,
    client: hub.client,
    credentials: hub.credentials,
    log: hub.log,
    metrics: hub.metrics,
    pushTimeoutMs: 1000,
  });
  t.after(async () => {
    await controllers.stop();
    await hub.close();
    await member.close();
  });
  await controllers.synced;
  const res = await hub.req("POST", "/apis/mcp.platform/v1/clusterjoins", {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterJoin",
    metadata: { name: "m1" },
    spec: { apiEndpoint: member.url, caData: member.caData, token: SECRET, syncInterval: "200ms" },
  });
  assert.equal(res.status, 201, await res.text());
  const get = () => hub.client.get(clusterRef("m1"));

  const ready = await eventually(get, (c) => readyStatus(c!) === "True");
  const s = ready!.status as Record<string, unknown>;
  assert.equal(s.kubernetesVersion, "v1.30.0");
  assert.deepEqual(s.nodes, { total: 3, ready: 2 });
  assert.deepEqual((s.components as { cni: unknown }).cni, { name: "calico", version: "v3.27.2" });
  assert.equal(condition(ready, "Reachable")?.status, "True");

  await member.stop();
  const down = await eventually(get, (c) => condition(c, "Reachable")?.status === "False", 5000);
  assert.equal(condition(down, "Reachable")?.reason, "ClusterUnreachable");
  assert.match(
    String(condition(down, "Reachable")?.message),
    /cannot reach https:\/\/127\.0\.0\.1:\d+: connection refused/,
  );
  assert.equal(readyStatus(down!), "Unknown");
  assert.equal(condition(down, "Ready")?.reason, "ClusterUnreachable");

  await member.start();
  const back = await eventually(get, (c) => readyStatus(c!) === "True", 5000);
  assert.equal(condition(back, "Reachable")?.status, "True");

  const events = await hub.client.list("v1", "Event", "default");
  const reasons = events.map((e) => `${e.type}/${e.reason}`);
  for (const r of [
    "Normal/ClusterJoined",
    "Normal/ClusterReady",
    "Warning/ClusterUnreachable",
    "Normal/ClusterReachable",
  ])
    assert.ok(reasons.includes(r), `${r} in ${reasons.join(", ")}`);
  assert.ok(events.some((e) => /Ready is True \(was Unknown\)/.test(String(e.message))));

  const metrics = await hub.metrics.metrics();
  assert.match(metrics, /mcp_cluster_ready\{cluster="m1"\} 1/);
  assert.match(metrics, /mcp_cluster_push_polls_total\{result="error"\} [1-9]/);
  assert.ok(!hub.logs.join("").includes(SECRET), "the credential never reaches the log");
  const served = await (
    await hub.req("GET", "/apis/mcp.platform/v1/clusters/m1", undefined, { accept: "application/yaml" })
  ).text();
  assert.ok(!served.includes(SECRET));
});

test("polls run with bounded concurrency across clusters", async (t) => {
  const hub = await startTestHub();
  let inFlight = 0;
  let maxInFlight = 0;
  const polled = new Set<string>();
  const controllers = startClusterControllers({
    store: hub.store,
    client: hub.client,
    credentials: hub.credentials,
    log: hub.log,
    metrics: hub.metrics,
    pushConcurrency: 3,
    async collect(kc): Promise<ObservedClusterStatus> {
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      polled.add(kc.getCurrentCluster()!.name);
      await new Promise((r) => setTimeout(r, 30));
      inFlight--;
      return {
        kubernetesVersion: "v1.29.0",
        components: {},
        notes: [],
        observedAt: new Date().toISOString(),
      };
    },
  });
  t.after(async () => {
    await controllers.stop();
    await hub.close();
  });
  for (let i = 0; i < 20; i++) {
    const c = await hub.client.create({
      apiVersion: "mcp.platform/v1",
      kind: "Cluster",
      metadata: { name: `p${i}` },
      spec: { mode: "Push", apiEndpoint: `https://10.0.0.${i}:6443`, syncInterval: "10s" },
    });
    await hub.credentials.put(`p${i}`, c.metadata.uid!, { token: "t" });
  }
  await eventually(
    async () => polled.size,
    (n) => n === 20,
  );
  assert.ok(maxInFlight <= 3, `at most 3 polls at once, saw ${maxInFlight}`);
  await eventually(
    () => hub.client.list("mcp.platform/v1", "Cluster"),
    (cs) => cs.every((c) => readyStatus(c) === "True"),
  );
});
