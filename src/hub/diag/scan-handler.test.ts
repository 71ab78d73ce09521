// Fleet diagnostics through a real hub: a pull cluster scanned by its in-process agent, a push
// cluster scanned by the hub itself (both mcp-sim members), and a pull cluster whose agent is
// stopped (reported offline at once). A broken Service in one member shows up in that report only.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import { memberDiagnoser } from "../../agent/member.ts";
import { bootstrapToken, eventually, startTestAgent, startTestHub } from "../../agent/testing.ts";
import { SimFleet } from "../../sim/fleet.ts";
import { fleetProfiles } from "../../sim/profile.ts";

interface Report {
  metadata: { name: string; labels?: Record<string, string> };
  spec: { cluster: string; targetVersion?: string };
  status: { score?: number; error?: string; findings?: { code: string; object?: string }[] };
}

const REPORTS = "/apis/mcp.platform/v1/namespaces/mcp-system/diagnosticreports";
const SCANS = "/apis/mcp.platform/v1/diagnosticscans";

test("a fleet scan: pull via the agent, push via the hub, offline reported at once", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcp-diag-fleet-"));
  const fleet = await SimFleet.start({
    profiles: fleetProfiles(["pull-1", "push-1"], { nodes: 2 }, {}),
    outDir: dir,
  });
  t.after(async () => {
    await fleet.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const h = await startTestHub(t);

  // pull-1: an agent with the real diagnoser over the simulated member.
  const kc = new KubeConfig();
  kc.loadFromFile(fleet.kubeconfigPath("pull-1"));
  await startTestAgent(t, h, "pull-1", {
    token: await bootstrapToken(h),
    diagnose: memberDiagnoser(kc, "pull-1"),
  });
  // gone-1: registered, then its agent stops: the Cluster exists but has no stream.
  const gone = await startTestAgent(t, h, "gone-1", { token: await bootstrapToken(h) });
  await eventually(
    () => assert.ok(h.hub.agentSessions.get("pull-1") && h.hub.agentSessions.get("gone-1")),
    10_000,
  );
  await gone.agent.stop();
  // (ok, not equal: a failing equal would try to print the whole gRPC session)
  await eventually(() => assert.ok(!h.hub.agentSessions.get("gone-1")));

  // push-1: joined with the member's endpoint, CA and token.
  const member = fleet.cluster("push-1")!;
  const joined = await h.api("POST", "/apis/mcp.platform/v1/clusterjoins", {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterJoin",
    metadata: { name: "push-1" },
    spec: {
      apiEndpoint: member.url,
      caData: Buffer.from(member.caPem).toString("base64"),
      token: member.token,
    },
  });
  assert.equal(joined.status, 201, JSON.stringify(joined.body));

  // A broken object in push-1 only: a Service that selects no pod.
  await member.client.create({
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "orphan", namespace: "default" },
    spec: { selector: { app: "nothing-here" }, ports: [{ port: 80 }] },
  });

  const bad = await h.api("POST", SCANS, { apiVersion: "mcp.platform/v1", kind: "DiagnosticScan", spec: {} });
  assert.equal(bad.status, 422, "a scan must say which clusters");
  const long = await h.api("POST", SCANS, {
    apiVersion: "mcp.platform/v1",
    kind: "DiagnosticScan",
    metadata: { name: `scan-${"x".repeat(59)}` },
    spec: { all: true },
  });
  assert.equal(long.status, 422, "a scan id labels its reports: at most 63 characters");

  const res = await h.api<{ metadata: { name: string }; status: { clusters: string[]; offline: string[] } }>(
    "POST",
    SCANS,
    { apiVersion: "mcp.platform/v1", kind: "DiagnosticScan", spec: { all: true, targetVersion: "1.31" } },
  );
  assert.equal(res.status, 201, JSON.stringify(res.body));
  const scanId = res.body.metadata.name;
  assert.deepEqual(res.body.status.clusters, ["gone-1", "pull-1", "push-1"]);
  assert.deepEqual(res.body.status.offline, ["gone-1"]);

  const reports = await eventually(async () => {
    const list = await h.api<{ items: Report[] }>(
      "GET",
      `${REPORTS}?labelSelector=${encodeURIComponent(`mcp.platform/scan=${scanId}`)}`,
    );
    assert.equal(list.body.items.length, 3, JSON.stringify(list.body.items.map((r) => r.metadata.name)));
    return new Map(list.body.items.map((r) => [r.metadata.name, r]));
  }, 30_000);
  assert.equal(reports.get("gone-1")!.status.error, "cluster offline");
  for (const name of ["pull-1", "push-1"]) {
    const r = reports.get(name)!;
    assert.equal(r.status.error, undefined, `${name}: ${r.status.error}`);
    assert.ok(typeof r.status.score === "number");
    assert.equal(r.spec.targetVersion, "1.31");
    assert.equal(r.spec.cluster, name);
  }
  const orphanIn = (name: string) =>
    (reports.get(name)!.status.findings ?? [])
      .filter((f) => f.object === "default/Service/orphan")
      .map((f) => f.code);
  assert.ok(
    orphanIn("push-1").includes("MCP-NET-004"),
    JSON.stringify(reports.get("push-1")!.status.findings),
  );
  assert.deepEqual(orphanIn("pull-1"), []);
});

test("an agent's report is stored only for a scan it was asked for, under its own name", async (t) => {
  const h = await startTestHub(t);
  let sent: object | undefined;
  // This agent answers with a report naming another cluster and an unasked-for scan id.
  await startTestAgent(t, h, "liar-1", {
    token: await bootstrapToken(h),
    diagnose: async (scanId) => {
      sent = {
        kind: "DiagnosticReport",
        metadata: { name: "other", labels: { "mcp.platform/scan": scanId } },
        spec: { cluster: "other" },
        status: { scannedAt: "t", score: 500 },
      };
      return sent;
    },
  });
  await eventually(() => assert.ok(h.hub.agentSessions.get("liar-1")), 10_000);
  const res = await h.api<{ metadata: { name: string } }>("POST", SCANS, {
    apiVersion: "mcp.platform/v1",
    kind: "DiagnosticScan",
    spec: { clusters: ["liar-1"] },
  });
  assert.equal(res.status, 201);
  const r = await eventually(async () => {
    const got = await h.api<Report>("GET", `${REPORTS}/liar-1`);
    assert.equal(got.status, 200);
    return got.body;
  });
  assert.ok(sent);
  assert.equal(r.spec.cluster, "liar-1");
  assert.equal(r.metadata.labels?.["mcp.platform/scan"], res.body.metadata.name);
  assert.match(r.status.error ?? "", /invalid report from the agent: status.score out of range/);
  assert.equal((await h.api("GET", `${REPORTS}/other`)).status, 404);

  const missing = await h.api("POST", SCANS, {
    apiVersion: "mcp.platform/v1",
    kind: "DiagnosticScan",
    spec: { clusters: ["no-such"] },
  });
  assert.equal(missing.status, 422);
});
