// A push member through a real hub: the poller, the push syncer, the push audit and a diagnostic
// scan all reach it through the hub's one connection pool for that member (MemberLinks), so the
// sync after the first poll and audit needs no connection of its own.
import assert from "node:assert/strict";
import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { test } from "node:test";
import { eventually, startTestHub } from "../agent/testing.ts";
import { MemberConnections } from "../kube/member-connections.ts";
import { startTestMember } from "../member-apply/testing.ts";

/** Counts the TLS connections undici opens to `port` while the test runs. */
function countConnections(t: { after(fn: () => void): void }, port: number): { readonly count: number } {
  const counter = { count: 0 };
  const onConnect = (m: unknown) => {
    if (Number((m as { connectParams?: { port?: unknown } }).connectParams?.port) === port) counter.count++;
  };
  subscribe("undici:client:connected", onConnect);
  t.after(() => unsubscribe("undici:client:connected", onConnect));
  return counter;
}

/** The distinct pools requests to `server` went through. */
function poolsUsed(t: { after(fn: () => void): void }, server: string): Set<MemberConnections> {
  const pools = new Set<MemberConnections>();
  const use = MemberConnections.prototype.use;
  MemberConnections.prototype.use = function (this: MemberConnections, ctx) {
    if (ctx.getUrl().startsWith(server)) pools.add(this);
    return use.call(this, ctx);
  };
  t.after(() => {
    MemberConnections.prototype.use = use;
  });
  return pools;
}

test("a push member polled, synced, audited and scanned uses one connection pool", async (t) => {
  const member = await startTestMember(t);
  const h = await startTestHub(t);
  const port = Number(new URL(member.cluster.url).port);
  const joined = await h.api("POST", "/apis/mcp.platform/v1/clusterjoins", {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterJoin",
    metadata: { name: "edge", labels: { tier: "edge" } },
    spec: {
      apiEndpoint: member.cluster.url,
      caData: Buffer.from(member.cluster.caPem).toString("base64"),
      token: member.cluster.token,
      syncInterval: "1h",
    },
  });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));
  // The join's probe (one request, its own pool, closed) is done: from here on every request to
  // the member should go through the hub's link.
  const opened = countConnections(t, port);
  const pools = poolsUsed(t, member.cluster.url);

  // Polled (and audited: a newly joined push member is audited once).
  await eventually(async () => {
    const c = await h.api<{ status?: { conditions?: { type: string; status: string }[] } }>(
      "GET",
      "/apis/mcp.platform/v1/clusters/edge",
    );
    assert.equal(c.body.status?.conditions?.find((x) => x.type === "Ready")?.status, "True");
    const report = await h.api("GET", "/apis/mcp.platform/v1/namespaces/mcp-system/policyreports/edge");
    assert.equal(report.status, 200);
  }, 20_000);
  const warm = opened.count;
  assert.ok(warm >= 1);

  // Synced: a template placed on the member is applied by the hub.
  await h.api("POST", "/api/v1/namespaces/default/configmaps", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "edge-settings", namespace: "default" },
    data: { mode: "push" },
  });
  await h.api("POST", "/apis/mcp.platform/v1/namespaces/default/propagationpolicies", {
    apiVersion: "mcp.platform/v1",
    kind: "PropagationPolicy",
    metadata: { name: "edge", namespace: "default" },
    spec: {
      resourceSelectors: [{ apiVersion: "v1", kind: "ConfigMap", name: "edge-settings" }],
      placement: { clusterAffinity: { clusterNames: ["edge"] } },
    },
  });
  const live = { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name: "edge-settings" };
  await eventually(async () => assert.ok(await member.cluster.client.get(live)), 20_000);
  assert.equal(opened.count, warm, "the sync reused the connections the poll and audit opened");

  // Scanned.
  const scan = await h.api("POST", "/apis/mcp.platform/v1/diagnosticscans", {
    apiVersion: "mcp.platform/v1",
    kind: "DiagnosticScan",
    metadata: { name: "edge-scan" },
    spec: { clusters: ["edge"] },
  });
  assert.equal(scan.status, 201, JSON.stringify(scan.body));
  await eventually(async () => {
    const r = await h.api("GET", "/apis/mcp.platform/v1/namespaces/mcp-system/diagnosticreports/edge");
    assert.equal(r.status, 200);
  }, 30_000);

  assert.equal(pools.size, 1, "poller, syncer, audit and scan went through one pool");
});
