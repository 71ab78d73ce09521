// The agent against a real hub in-process: registration, heartbeats into the Cluster's status,
// approval, unjoin, hub restarts, and the ways the hub refuses an agent.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { credentialPath, loadCredential, saveCredential } from "./credential.ts";
import { bootstrapToken, eventually, fakeMember, startTestAgent, startTestHub } from "./testing.ts";

const CLUSTERS = "/apis/mcp.platform/v1/clusters";

interface ClusterView {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { mode: string; hubAcceptsClient: boolean };
  status?: {
    kubernetesVersion?: string;
    nodes?: { total: number; ready: number };
    lastHeartbeatTime?: string;
    conditions?: { type: string; status: string; message?: string }[];
  };
}

const condition = (c: ClusterView, type: string) =>
  c.status?.conditions?.find((x) => x.type === type)?.status;

test("an agent registers, its cluster appears with its labels, and heartbeats make it Ready", async (t) => {
  const h = await startTestHub(t);
  const token = await bootstrapToken(h);
  const { opts } = await startTestAgent(t, h, "member-1", {
    token,
    labels: { region: "eu-west", env: "dev" },
  });
  const cluster = await eventually(async () => {
    const res = await h.api<ClusterView>("GET", `${CLUSTERS}/member-1`);
    assert.equal(res.status, 200);
    assert.equal(condition(res.body, "Ready"), "True");
    return res.body;
  });
  assert.deepEqual(cluster.metadata.labels, { region: "eu-west", env: "dev" });
  assert.equal(cluster.spec.mode, "Pull");
  assert.equal(cluster.status?.kubernetesVersion, "v1.30.4");
  assert.deepEqual(cluster.status?.nodes, { total: 3, ready: 3 });
  assert.ok(cluster.status?.lastHeartbeatTime);

  const file = credentialPath(opts.stateDir, "member-1");
  assert.equal((await stat(file)).mode & 0o777, 0o600);
  const stored = await loadCredential(opts.stateDir, "member-1");
  assert.ok(stored?.credential.startsWith("mcp_"));
  assert.ok(!(await readFile(file, "utf8")).includes(token), "the bootstrap token is not kept");

  // Secrets never show in what the API serves or what the hub logs.
  const listed = JSON.stringify((await h.api("GET", CLUSTERS)).body);
  for (const secret of [stored!.credential, token]) {
    assert.ok(!listed.includes(secret), "no secret in API responses");
    assert.ok(!h.logs().includes(secret), "no secret in the hub's logs");
  }
});

test("a restarted agent reuses its stored credential without a bootstrap token", async (t) => {
  const h = await startTestHub(t);
  const stateDir = await mkdtemp(join(tmpdir(), "mcp-agent-state-"));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const first = await startTestAgent(t, h, "reused", { token: await bootstrapToken(h), stateDir });
  await eventually(async () => assert.equal((await h.api("GET", `${CLUSTERS}/reused`)).status, 200));
  await eventually(() => assert.equal(h.hub.agentSessions.size, 1));
  assert.equal((await first.agent.stop()).reason, "stopped");
  const member = fakeMember(5);
  await startTestAgent(t, h, "reused", { stateDir, collect: member.collect });
  await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/reused`)).body;
    assert.deepEqual(c.status?.nodes, { total: 5, ready: 5 });
  });
});

test("a used or expired bootstrap token is refused and the agent exits 1", async (t) => {
  const h = await startTestHub(t);
  const token = await bootstrapToken(h);
  const a = await startTestAgent(t, h, "first", { token });
  await eventually(async () => assert.equal((await h.api("GET", `${CLUSTERS}/first`)).status, 200));
  const b = await startTestAgent(t, h, "second", { token });
  const exit = await b.agent.done;
  assert.equal(exit.code, 1);
  assert.match(exit.message, /bootstrap token already used or expired/);

  const short = await bootstrapToken(h, "1s");
  await new Promise((r) => setTimeout(r, 1100));
  const c = await startTestAgent(t, h, "third", { token: short });
  assert.match((await c.agent.done).message, /bootstrap token already used or expired/);
  assert.equal((await h.api("GET", `${CLUSTERS}/third`)).status, 404, "nothing was created");
  assert.equal((await h.api("GET", `${CLUSTERS}/second`)).status, 404);
  await a.agent.stop();
});

test("cluster A's credential cannot connect as cluster B", async (t) => {
  const h = await startTestHub(t);
  const a = await startTestAgent(t, h, "cluster-a", { token: await bootstrapToken(h) });
  await eventually(async () => assert.ok(await loadCredential(a.opts.stateDir, "cluster-a")));
  const b = await startTestAgent(t, h, "cluster-b", { token: await bootstrapToken(h) });
  await eventually(async () => assert.ok(await loadCredential(b.opts.stateDir, "cluster-b")));
  await b.agent.stop();

  // An impostor: cluster-b's agent holding cluster-a's credential.
  const stateDir = await mkdtemp(join(tmpdir(), "mcp-agent-state-"));
  t.after(() => rm(stateDir, { recursive: true, force: true }));
  const stolen = (await loadCredential(a.opts.stateDir, "cluster-a"))!;
  await saveCredential(stateDir, { ...stolen, clusterName: "cluster-b" });
  const impostor = await startTestAgent(t, h, "cluster-b", { stateDir });
  const exit = await impostor.agent.done;
  assert.equal(exit.code, 1);
  assert.match(exit.message, /system:cluster:cluster-a.*cannot act for cluster "cluster-b"/);
});

test("with --require-approval the cluster waits, and reports once approved", async (t) => {
  const h = await startTestHub(t, ["--require-approval"]);
  const member = fakeMember();
  await startTestAgent(t, h, "gated", { token: await bootstrapToken(h), collect: member.collect });
  const pending = await eventually(async () => {
    const res = await h.api<ClusterView>("GET", `${CLUSTERS}/gated`);
    assert.equal(res.status, 200);
    return res.body;
  });
  assert.equal(pending.spec.hubAcceptsClient, false);
  await eventually(() => assert.equal(h.hub.agentSessions.size, 1));
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(
    (await h.api<ClusterView>("GET", `${CLUSTERS}/gated`)).body.status?.lastHeartbeatTime,
    undefined,
  );

  const approved = await h.api("PATCH", `${CLUSTERS}/gated`, { spec: { hubAcceptsClient: true } });
  assert.equal(approved.status, 200);
  await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/gated`)).body;
    assert.equal(condition(c, "Ready"), "True");
  });
});

test("unjoining (deleting the Cluster) says Goodbye: the agent deletes its credential and exits 0", async (t) => {
  const h = await startTestHub(t);
  const { agent, opts } = await startTestAgent(t, h, "leaving", { token: await bootstrapToken(h) });
  await eventually(() => assert.equal(h.hub.agentSessions.size, 1));
  assert.equal((await h.api("DELETE", `${CLUSTERS}/leaving`)).status, 200);
  const exit = await agent.done;
  assert.deepEqual([exit.code, exit.reason], [0, "goodbye"]);
  assert.equal(await loadCredential(opts.stateDir, "leaving"), undefined);
});

test("the agent reconnects by itself after the hub restarts", async (t) => {
  const h = await startTestHub(t);
  await startTestAgent(t, h, "steady", { token: await bootstrapToken(h) });
  const before = await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/steady`)).body;
    assert.ok(c.status?.lastHeartbeatTime);
    return c.status.lastHeartbeatTime;
  });
  await h.restart();
  await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/steady`)).body;
    assert.ok(c.status!.lastHeartbeatTime! > before, "a heartbeat arrived after the restart");
  }, 10_000);
  assert.equal(h.hub.agentSessions.size, 1);
});

test("an agent started while the hub is down registers once it is up", async (t) => {
  const h = await startTestHub(t);
  const token = await bootstrapToken(h);
  await h.stop();
  const { agent } = await startTestAgent(t, h, "early", { token });
  await new Promise((r) => setTimeout(r, 300));
  await h.start();
  await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/early`)).body;
    assert.equal(condition(c, "Ready"), "True");
  }, 10_000);
  assert.equal((await agent.stop()).reason, "stopped");
});

test("an unreachable member is reported, not fatal: Reachable=False while the agent stays connected", async (t) => {
  const h = await startTestHub(t);
  const member = fakeMember();
  const { agent } = await startTestAgent(t, h, "flaky", {
    token: await bootstrapToken(h),
    collect: member.collect,
  });
  await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/flaky`)).body;
    assert.equal(condition(c, "Reachable"), "True");
  });
  member.fail = true;
  await h.api("PATCH", `${CLUSTERS}/flaky`, { spec: { syncInterval: "200ms" } });
  const c = await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/flaky`)).body;
    assert.equal(condition(c, "Reachable"), "False");
    return c;
  });
  assert.match(c.status?.conditions?.find((x) => x.type === "Reachable")?.message ?? "", /cannot reach/);
  member.fail = false;
  await eventually(async () => {
    const c = (await h.api<ClusterView>("GET", `${CLUSTERS}/flaky`)).body;
    assert.equal(condition(c, "Reachable"), "True");
  });
  assert.equal(h.hub.agentSessions.size, 1);
  assert.equal((await agent.stop()).reason, "stopped");
});
