import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { test } from "node:test";
import {
  type CollectOptions,
  collectClusterStatus,
  type ObservedClusterStatus,
} from "../../agent/status/collect.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { MemberConnections } from "../../kube/member-connections.ts";
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

/** Counts the TLS connections undici opens while the test runs. */
function countConnections(t: { after(fn: () => void): void }): { readonly count: number } {
  const counter = { count: 0 };
  const onConnect = () => counter.count++;
  subscribe("undici:client:connected", onConnect);
  t.after(() => unsubscribe("undici:client:connected", onConnect));
  return counter;
}

/** Records which pools polls were given, and which of them were closed. */
function poolSpy() {
  const seen: MemberConnections[] = [];
  const closed = new Set<MemberConnections>();
  const note = (c: MemberConnections | undefined) => {
    if (!c || seen.includes(c)) return;
    seen.push(c);
    const close = c.close.bind(c);
    c.close = () => {
      closed.add(c);
      return close();
    };
  };
  return { seen, closed, note };
}

const okPolls = async (hub: { metrics: { metrics(): Promise<string> } }) =>
  Number(/mcp_cluster_push_polls_total\{result="ok"\} (\d+)/.exec(await hub.metrics.metrics())?.[1] ?? 0);

test("polls of a push cluster reuse one connection pool; unjoining closes it", async (t) => {
  const member = await startHttpsMember(SECRET);
  const hub = await startTestHub();
  const pools = poolSpy();
  const controllers = startClusterControllers({
    store: hub.store,
    client: hub.client,
    credentials: hub.credentials,
    log: hub.log,
    metrics: hub.metrics,
    pushTimeoutMs: 2000,
    collect(kc, opts: CollectOptions) {
      pools.note(opts.connections);
      return collectClusterStatus(kc, opts);
    },
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
    spec: { apiEndpoint: member.url, caData: member.caData, token: SECRET, syncInterval: "100ms" },
  });
  assert.equal(res.status, 201, await res.text());
  const opened = countConnections(t);
  await eventually(
    () => okPolls(hub),
    (n) => n >= 3,
  );
  const warm = opened.count;
  const polled = await okPolls(hub);
  await eventually(
    () => okPolls(hub),
    (n) => n >= polled + 5,
  );
  assert.equal(opened.count, warm, "later polls open no connection (and do no TLS handshake)");
  assert.equal(pools.seen.length, 1, "every poll went through the same pool");

  await hub.client.delete(clusterRef("m1"));
  await eventually(
    async () => pools.closed.size,
    (n) => n === 1,
  );
});

test("a changed credential or CA gets a new pool (the old one closed); stopping closes the last", async (t) => {
  const hub = await startTestHub();
  const pools = poolSpy();
  const tokens: string[] = [];
  const controllers = startClusterControllers({
    store: hub.store,
    client: hub.client,
    credentials: hub.credentials,
    log: hub.log,
    metrics: hub.metrics,
    async collect(kc, opts): Promise<ObservedClusterStatus> {
      pools.note(opts.connections);
      tokens.push(kc.getCurrentUser()?.token ?? "");
      return {
        kubernetesVersion: "v1.30.0",
        components: {},
        notes: [],
        observedAt: new Date().toISOString(),
      };
    },
  });
  let stopped = false;
  t.after(async () => {
    if (!stopped) await controllers.stop();
    await hub.close();
  });
  await controllers.synced;
  const c = await hub.client.create({
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "p1" },
    spec: { mode: "Push", apiEndpoint: "https://10.0.0.1:6443", syncInterval: "50ms" },
  });
  await hub.credentials.put("p1", c.metadata.uid!, { token: "one" });
  await eventually(
    async () => tokens.length,
    (n) => n >= 3,
  );
  assert.equal(pools.seen.length, 1);

  await hub.credentials.put("p1", c.metadata.uid!, { token: "two" });
  await eventually(
    async () => tokens.at(-1),
    (tok) => tok === "two",
  );
  assert.equal(pools.seen.length, 2, "a new credential, a new pool");
  assert.ok(pools.closed.has(pools.seen[0]), "the pool of the old credential is closed");

  await hub.client.mutate(clusterRef("p1"), (x) => ({
    ...x,
    spec: { ...(x.spec as object), caData: Buffer.from("another CA").toString("base64") },
  }));
  await eventually(
    async () => pools.seen.length,
    (n) => n === 3,
  );
  assert.ok(pools.closed.has(pools.seen[1]), "the pool of the old CA is closed");
  const polls = tokens.length;
  await eventually(
    async () => tokens.length,
    (n) => n >= polls + 2,
  );
  assert.equal(pools.seen.length, 3, "and kept afterwards");

  await controllers.stop();
  stopped = true;
  assert.ok(pools.closed.has(pools.seen[2]), "stopping the poller closes its pools");
});
