// `mcpctl cluster` against a real hub in-process (both listeners on port 0) and agents run
// in-process with a fake member: what the operator sees (stdout, stderr, exit code) and what the
// hub and the agent then do.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import {
  bootstrapToken,
  eventually,
  startTestAgent,
  startTestHub,
  type TestHub,
} from "../../agent/testing.ts";
import { runCtl } from "../main.ts";
import { captureIo } from "../testing.ts";

const CLUSTERS = "/apis/mcp.platform/v1/clusters";

async function ctl(h: TestHub, ...argv: string[]) {
  const io = captureIo();
  const code = await runCtl(["--kubeconfig", h.hub.kubeconfigPath, ...argv], io);
  return { ...io, code };
}

interface ClusterView {
  spec: { hubAcceptsClient?: boolean };
  status?: { conditions?: { type: string; status: string }[] };
}
const ready = (c: ClusterView) => c.status?.conditions?.find((x) => x.type === "Ready")?.status;

test("token create prints only the token on stdout, the agent command on stderr, and the token registers an agent", async (t) => {
  const h = await startTestHub(t);
  const hubUrl = `https://127.0.0.1:${h.hub.agentPort}`;
  const r = await ctl(h, "cluster", "token", "create", "--ttl", "10m", "--hub-url", hubUrl);
  assert.equal(r.code, 0, r.stderr);
  const token = r.stdout.trim();
  assert.match(token, /^\S{20,}$/);
  assert.equal(r.stdout, `${token}\n`);
  const hint = r.stderr.trim();
  assert.equal(hint.split("\n").length, 1, "one hint line");
  assert.ok(hint.includes(`mcp-agent --hub ${hubUrl} `), hint);
  assert.ok(hint.includes(`--hub-ca ${h.hub.caPath} --bootstrap-token ${token} --cluster-name NAME`), hint);

  await startTestAgent(t, h, "via-ctl", { token });
  await eventually(async () => {
    const c = await h.api<ClusterView>("GET", `${CLUSTERS}/via-ctl`);
    assert.equal(ready(c.body), "True");
  });

  const y = await ctl(h, "cluster", "token", "create", "-o", "yaml", "--description", "lab");
  assert.equal(y.code, 0, y.stderr);
  const obj = parseAllDocuments(y.stdout)[0].toJS();
  assert.equal(obj.kind, "BootstrapToken");
  assert.equal(obj.spec.ttl, "1h");
  assert.equal(obj.spec.description, "lab");
  assert.match(obj.status.token, /^\S{20,}$/);
  assert.ok(Date.parse(obj.status.expirationTimestamp) > Date.now() + 50 * 60_000);
  // Without --hub-url the endpoint is mcp-server's default (the API port + 1), and the hint says so.
  const apiPort = Number(new URL(h.hub.url).port);
  assert.match(
    y.stderr,
    new RegExp(`--hub https://127\\.0\\.0\\.1:${apiPort + 1} .*# agent endpoint assumed`),
  );

  for (const argv of [["--ttl", "forever"], ["-o", "wide"], ["extra"]]) {
    const bad = await ctl(h, "cluster", "token", "create", ...argv);
    assert.equal(bad.code, 2, argv.join(" "));
    assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
  }
  const tooLong = await ctl(h, "cluster", "token", "create", "--ttl", "48h");
  assert.equal(tooLong.code, 1);
  assert.match(tooLong.stderr, /^Error from server \(Invalid\): .*spec\.ttl/);
});

test("approve lets a waiting agent report; approving twice says so; unknown names are NotFound", async (t) => {
  const h = await startTestHub(t, ["--require-approval"]);
  await startTestAgent(t, h, "gated", { token: await bootstrapToken(h) });
  await eventually(async () => {
    const c = await h.api<ClusterView>("GET", `${CLUSTERS}/gated`);
    assert.equal(c.body.spec.hubAcceptsClient, false);
  });
  // Pending: connected, but no status is recorded.
  await new Promise((r) => setTimeout(r, 300));
  assert.notEqual(ready((await h.api<ClusterView>("GET", `${CLUSTERS}/gated`)).body), "True");

  const r = await ctl(h, "cluster", "approve", "gated");
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, "cluster.mcp.platform/gated approved\n", ""]);
  await eventually(async () => {
    assert.equal(ready((await h.api<ClusterView>("GET", `${CLUSTERS}/gated`)).body), "True");
  });
  const again = await ctl(h, "cluster", "approve", "gated");
  assert.equal(again.stdout, "cluster.mcp.platform/gated already approved\n");

  const missing = await ctl(h, "cluster", "approve", "nope");
  assert.equal(missing.code, 1);
  assert.equal(missing.stderr, 'Error from server (NotFound): clusters.mcp.platform "nope" not found\n');
});

test("unjoin --wait returns once the Cluster is gone, and the agent is told goodbye", async (t) => {
  const h = await startTestHub(t);
  const { agent } = await startTestAgent(t, h, "leaving", { token: await bootstrapToken(h) });
  await eventually(async () => {
    assert.equal(ready((await h.api<ClusterView>("GET", `${CLUSTERS}/leaving`)).body), "True");
  });
  const r = await ctl(h, "cluster", "unjoin", "leaving", "--wait");
  assert.deepEqual([r.code, r.stdout, r.stderr], [0, "cluster.mcp.platform/leaving unjoined\n", ""]);
  assert.equal((await h.api("GET", `${CLUSTERS}/leaving`)).status, 404);
  const exit = await agent.done;
  assert.deepEqual([exit.code, exit.reason], [0, "goodbye"]);

  const again = await ctl(h, "cluster", "unjoin", "leaving");
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^Error from server \(NotFound\)/);
});

test("agent-manifest creates a working bootstrap token unless given one, and prints applyable YAML", async (t) => {
  const h = await startTestHub(t);
  const r = await ctl(h, "cluster", "agent-manifest", "edge-1", "--labels", "env=lab,region=eu");
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /Created a bootstrap token for edge-1/);
  assert.match(r.stderr, /warning: https:\/\/127\.0\.0\.1:\d+ is a loopback address/);
  const docs = parseAllDocuments(r.stdout).map((d) => {
    assert.deepEqual(d.errors, []);
    return d.toJS();
  });
  const secret = docs.find((d) => d.kind === "Secret");
  const token = secret.stringData["bootstrap-token"];
  // The manifest's token is a real one: an agent registers with it.
  await startTestAgent(t, h, "edge-1", { token });
  await eventually(async () => {
    assert.equal(ready((await h.api<ClusterView>("GET", `${CLUSTERS}/edge-1`)).body), "True");
  });

  const given = await ctl(
    h,
    "cluster",
    "agent-manifest",
    "edge-2",
    "--token",
    "t0k",
    "--hub-url",
    "hub.example:7000",
  );
  assert.equal(given.code, 0, given.stderr);
  assert.equal(given.stderr, "", "no token created, no loopback warning");
  assert.match(given.stdout, /value: https:\/\/hub\.example:7000\n/);
  assert.match(given.stdout, /bootstrap-token: t0k\n/);

  const bad = await ctl(h, "cluster", "agent-manifest", "Edge_2");
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^error: cluster name "Edge_2"/);
});
