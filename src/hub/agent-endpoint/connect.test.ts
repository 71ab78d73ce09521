// Connect as an agent sees it, spoken raw: the credential decides which cluster a stream may act
// for, heartbeats are recorded only for accepted clusters, and the hub reaches a live agent with
// a new Welcome (approval) or a Goodbye (unjoin).
import assert from "node:assert/strict";
import { test } from "node:test";
import { status } from "@grpc/grpc-js";
import { grpcCode, type HubClient } from "../../agent/hub-client.ts";
import type { HubMessage } from "../../apis/agent/v1/protocol.ts";
import { issueBootstrapToken } from "./bootstrap-token.ts";
import { clusterRef } from "./cluster-ref.ts";
import { startTestEndpoint, type TestEndpoint } from "./testing.ts";

/** One stream, with its messages and final status queued for the test to await. */
function openStream(client: HubClient, credential: string) {
  const call = client.connect(credential);
  const messages: HubMessage[] = [];
  const waiters: (() => void)[] = [];
  let ended: { code?: number; details: string } | undefined;
  const wake = () => {
    for (const w of waiters.splice(0)) w();
  };
  call.on("data", (m: HubMessage) => {
    messages.push(m);
    wake();
  });
  call.on("error", (e: Error) => {
    ended = { code: grpcCode(e), details: (e as Error & { details: string }).details };
    wake();
  });
  call.on("end", () => {
    ended ??= { code: status.OK, details: "" };
    wake();
  });
  const until = async <T>(fn: () => T | undefined, what: string): Promise<T> => {
    const deadline = Date.now() + 5000;
    for (;;) {
      const v = fn();
      if (v !== undefined) return v;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(messages)}`);
      await new Promise<void>((r) => {
        waiters.push(r);
        setTimeout(r, 100);
      });
    }
  };
  return {
    call,
    messages,
    hello: (cluster_name: string) =>
      call.write({ hello: { cluster_name, agent_version: "test", acked_revision: 0 } }),
    heartbeat: (observed: object) =>
      call.write({
        heartbeat: { status_json: JSON.stringify(observed), observed_at: new Date().toISOString() },
      }),
    next: (body: HubMessage["body"], after = 0) =>
      until(() => messages.slice(after).find((m) => m.body === body), body),
    ended: () => until(() => ended, "the stream to end"),
  };
}

async function registered(h: TestEndpoint, name: string): Promise<string> {
  const { token } = await issueBootstrapToken(h.store);
  const res = await h
    .hubClient()
    .register(token, { cluster_name: name, labels: {}, kubernetes_version: "", agent_version: "test" }, 5000);
  return res.credential;
}

test("a welcomed agent's heartbeats are recorded and it counts as connected", async (t) => {
  const h = await startTestEndpoint(t);
  const cred = await registered(h, "alpha");
  await h.client.mutate(clusterRef("alpha"), (c) => ({
    ...c,
    spec: { ...(c.spec as object), syncInterval: "2s" },
  }));
  const s = openStream(h.hubClient(), cred);
  s.hello("alpha");
  const w = await s.next("welcome");
  assert.deepEqual(w.body === "welcome" && w.welcome, { sync_interval_ms: 2000, pending_approval: false });
  s.heartbeat({ kubernetesVersion: "v1.30.2", nodes: { total: 3, ready: 3 } });
  for (let i = 0; i < 50 && h.recorded.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.recorded.length, 1);
  assert.equal(h.recorded[0].cluster, "alpha");
  assert.partialDeepStrictEqual(h.recorded[0].observed, {
    kubernetesVersion: "v1.30.2",
    nodes: { total: 3, ready: 3 },
  });
  assert.match(
    await h.metrics.getSingleMetricAsString("mcp_hub_connected_agents"),
    /mcp_hub_connected_agents 1/,
  );
  assert.match(
    await h.metrics.getSingleMetricAsString("mcp_hub_heartbeat_duration_seconds"),
    /mcp_hub_heartbeat_duration_seconds_count 1/,
  );
  s.call.end();
  await s.ended();
});

test("one cluster's credential cannot act for another cluster", async (t) => {
  const h = await startTestEndpoint(t);
  const credA = await registered(h, "cluster-a");
  await registered(h, "cluster-b");
  const s = openStream(h.hubClient(), credA);
  s.hello("cluster-b");
  const end = await s.ended();
  assert.equal(end.code, status.PERMISSION_DENIED);
  assert.match(end.details, /system:cluster:cluster-a.*cannot act for cluster "cluster-b"/);
  assert.equal(s.messages.length, 0, "no Welcome, no work");
  assert.equal(h.recorded.length, 0);
});

test("without a valid cluster credential there is no stream", async (t) => {
  const h = await startTestEndpoint(t);
  await registered(h, "gamma");
  const { token: bootstrap } = await issueBootstrapToken(h.store);
  for (const cred of ["", "mcp_not-a-real-token-at-all-xxxxxxxxxxxxxxxxxxxxxxxxxx", bootstrap]) {
    const s = openStream(h.hubClient(), cred);
    s.hello("gamma");
    const end = await s.ended();
    assert.equal(end.code, status.UNAUTHENTICATED, `credential ${JSON.stringify(cred.slice(0, 8))}`);
  }
});

test("a pending cluster's heartbeats are ignored until approval sends a new Welcome", async (t) => {
  const h = await startTestEndpoint(t, { requireApproval: true });
  const cred = await registered(h, "pending");
  const s = openStream(h.hubClient(), cred);
  s.hello("pending");
  const first = await s.next("welcome");
  assert.equal(first.body === "welcome" && first.welcome.pending_approval, true);
  s.heartbeat({ kubernetesVersion: "v1.30.0" });
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(h.recorded.length, 0, "not recorded while pending");
  await h.client.mutate(clusterRef("pending"), (c) => ({
    ...c,
    spec: { ...(c.spec as object), hubAcceptsClient: true },
  }));
  const second = await s.next("welcome", 1);
  assert.equal(second.body === "welcome" && second.welcome.pending_approval, false);
  s.heartbeat({ kubernetesVersion: "v1.30.0" });
  for (let i = 0; i < 50 && h.recorded.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
  assert.equal(h.recorded.length, 1);
  s.call.end();
  await s.ended();
});

test("deleting the cluster (unjoin) sends Goodbye and ends the stream", async (t) => {
  const h = await startTestEndpoint(t);
  const cred = await registered(h, "leaving");
  const s = openStream(h.hubClient(), cred);
  s.hello("leaving");
  await s.next("welcome");
  await h.client.delete(clusterRef("leaving"));
  const bye = await s.next("goodbye");
  assert.match(bye.body === "goodbye" ? bye.goodbye.reason : "", /unjoined/);
  assert.equal((await s.ended()).code, status.OK);
  assert.equal(h.endpoint.sessions.size, 0);
  const again = openStream(h.hubClient(), cred);
  again.hello("leaving");
  assert.equal((await again.ended()).code, status.UNAUTHENTICATED, "the credential died with its cluster");
});

test("a newer stream of the same cluster replaces the older one", async (t) => {
  const h = await startTestEndpoint(t);
  const cred = await registered(h, "twice");
  const older = openStream(h.hubClient(), cred);
  older.hello("twice");
  await older.next("welcome");
  const newer = openStream(h.hubClient(), cred);
  newer.hello("twice");
  await newer.next("welcome");
  assert.equal((await older.ended()).code, status.ABORTED);
  assert.equal(h.endpoint.sessions.size, 1);
  assert.equal(h.endpoint.sessions.get("twice")?.closed, false);
  newer.call.end();
  await newer.ended();
});

test("an agent that never says Hello is cut off", async (t) => {
  const h = await startTestEndpoint(t, { helloTimeoutMs: 200 });
  const cred = await registered(h, "silent");
  const s = openStream(h.hubClient(), cred);
  assert.equal((await s.ended()).code, status.DEADLINE_EXCEEDED);
});
