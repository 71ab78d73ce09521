// Register as an agent sees it: a bootstrap token buys one cluster credential, once.
import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import { grpcCode } from "../../agent/hub-client.ts";
import { lookupToken } from "../../apiserver/auth/tokens.ts";
import { issueBootstrapToken } from "./bootstrap-token.ts";
import { clusterRef } from "./cluster-ref.ts";
import { startTestEndpoint } from "./testing.ts";

const req = (name: string, labels: Record<string, string> = {}) => ({
  cluster_name: name,
  labels,
  kubernetes_version: "v1.30.2",
  agent_version: "test",
});

async function rejection(p: Promise<unknown>): Promise<{ code?: number; details: string }> {
  try {
    await p;
  } catch (e) {
    return { code: grpcCode(e), details: (e as { details: string }).details };
  }
  assert.fail("expected the call to fail");
}

test("a bootstrap token registers a pull cluster with its labels and yields a cluster credential", async (t) => {
  const h = await startTestEndpoint(t);
  const { token } = await issueBootstrapToken(h.store);
  const res = await h.hubClient().register(token, req("east-1", { region: "us-east", env: "prod" }), 5000);
  assert.equal(res.accepted, true);
  const cluster = await h.client.get(clusterRef("east-1"));
  assert.deepEqual(cluster?.metadata.labels, { region: "us-east", env: "prod" });
  assert.deepEqual(cluster?.spec, { mode: "Pull", hubAcceptsClient: true, syncInterval: "30s" });
  const record = await lookupToken(h.store, res.credential);
  assert.equal(record?.user.name, "system:cluster:east-1");
  assert.deepEqual(record?.user.groups, ["mcp:clusters"]);
  assert.equal(record?.expiresAt, undefined, "cluster credentials do not expire");
  assert.equal(record?.boundObject?.uid, cluster?.metadata.uid);
  assert.equal(await lookupToken(h.store, token), undefined, "the bootstrap token is gone");
  const metrics = await h.metrics.getSingleMetricAsString("mcp_hub_agent_registrations_total");
  assert.match(metrics, /result="accepted"} 1/);
});

test("a used bootstrap token is rejected, also when two agents race with it", async (t) => {
  const h = await startTestEndpoint(t);
  const { token } = await issueBootstrapToken(h.store);
  const results = await Promise.allSettled(
    ["race-a", "race-b", "race-c"].map((n) => h.hubClient().register(token, req(n), 5000)),
  );
  assert.equal(results.filter((r) => r.status === "fulfilled").length, 1, "exactly one registration wins");
  for (const r of results.filter((r) => r.status === "rejected")) {
    assert.equal(grpcCode(r.reason), status.UNAUTHENTICATED);
    assert.match((r.reason as { details: string }).details, /bootstrap token already used or expired/);
  }
  const again = await rejection(h.hubClient().register(token, req("late"), 5000));
  assert.equal(again.code, status.UNAUTHENTICATED);
  assert.equal(again.details, "bootstrap token already used or expired");
});

test("an expired bootstrap token is rejected and creates nothing", async (t) => {
  const h = await startTestEndpoint(t);
  const { token } = await issueBootstrapToken(h.store, { ttlMs: 60_000, now: Date.now() - 120_000 });
  const r = await rejection(h.hubClient().register(token, req("stale"), 5000));
  assert.equal(r.code, status.UNAUTHENTICATED);
  assert.equal(await h.client.get(clusterRef("stale")), undefined);
});

test("no token, a cluster credential, or garbage cannot register", async (t) => {
  const h = await startTestEndpoint(t);
  const { token } = await issueBootstrapToken(h.store);
  const { credential } = await h.hubClient().register(token, req("one"), 5000);
  for (const bad of [credential, "mcp_garbage", "x"]) {
    const r = await rejection(h.hubClient().register(bad, req("two"), 5000));
    assert.equal(r.code, status.UNAUTHENTICATED, bad);
  }
});

test("a bad name or a push cluster of that name fails without spending the token", async (t) => {
  const h = await startTestEndpoint(t);
  await h.client.create({
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "pushed" },
    spec: { mode: "Push", apiEndpoint: "https://10.0.0.1:6443" },
  });
  const { token } = await issueBootstrapToken(h.store);
  const push = await rejection(h.hubClient().register(token, req("pushed"), 5000));
  assert.equal(push.code, status.FAILED_PRECONDITION);
  assert.match(push.details, /Push mode/);
  const invalid = await rejection(h.hubClient().register(token, req("Not_A_Name"), 5000));
  assert.equal(invalid.code, status.INVALID_ARGUMENT);
  const ok = await h.hubClient().register(token, req("fresh"), 5000);
  assert.ok(ok.credential, "the token still worked after the refused attempts");
});

test("re-registering a pull cluster revokes its previous credential", async (t) => {
  const h = await startTestEndpoint(t);
  const first = await h.hubClient().register((await issueBootstrapToken(h.store)).token, req("again"), 5000);
  const second = await h
    .hubClient()
    .register((await issueBootstrapToken(h.store)).token, req("again", { zone: "b" }), 5000);
  assert.equal(await lookupToken(h.store, first.credential), undefined);
  assert.ok(await lookupToken(h.store, second.credential));
  assert.deepEqual((await h.client.get(clusterRef("again")))?.metadata.labels, { zone: "b" });
});

test("with approval required, a registration is pending until the cluster is approved", async (t) => {
  const h = await startTestEndpoint(t, { requireApproval: true });
  const res = await h.hubClient().register((await issueBootstrapToken(h.store)).token, req("waiting"), 5000);
  assert.equal(res.accepted, false);
  assert.match(res.message, /mcpctl cluster approve waiting/);
  const cluster = await h.client.get(clusterRef("waiting"));
  assert.equal((cluster?.spec as { hubAcceptsClient?: boolean } | undefined)?.hubAcceptsClient, false);
});
