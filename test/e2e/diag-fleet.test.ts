// Fleet diagnostics end to end with the real binaries: mcp-server, three mcp-sim clusters and
// three mcp-agent processes, one of them stopped. `mcpctl diag scan --all-clusters -o json` gets
// two scanned reports and one "cluster offline" at once; a Service selecting nothing, created with
// kubectl in one member, shows up in that cluster's row only; the table output is the matrix, and
// the reports are listed by `mcpctl get diagnosticreports -n mcp-system`. The first scan stays
// queryable after the second: `mcpctl diag history` and its archived report <cluster>.<scan>.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { apiClient } from "./support/api.ts";
import { AGENT_BIN, agentEndpointOf, type Proc, run, startSim } from "./support/fleet.ts";
import { startHub } from "./support/hub.ts";
import { kubectlOk } from "./support/kubectl.ts";
import { mcpctl, mcpctlOk } from "./support/mcpctl.ts";
import { eventually } from "./support/wait.ts";

const NAMES = ["sim-001", "sim-002", "sim-003"];

interface ScanJson {
  scan: string;
  clusters: string[];
  missing: string[];
  reports: {
    metadata: { name: string; labels: Record<string, string> };
    spec: { cluster: string };
    status: { score?: number; error?: string; findings?: { code: string; object?: string }[] };
  }[];
}

test("mcpctl diag scan: 2 agents scan their members, a stopped one is offline", {
  timeout: 180_000,
}, async (t) => {
  const work = await mkdtemp(join(tmpdir(), "mcp-e2e-diag-"));
  t.after(() => rm(work, { recursive: true, force: true }));
  const sim = await startSim(join(work, "sim"), 3, 2);
  t.after(() => sim.stop());
  const hub = await startHub({ dataDir: join(work, "hub") });
  t.after(() => hub.close());
  const agentUrl = agentEndpointOf(hub.output().stdout);
  const api = await apiClient(hub.kubeconfigPath);

  const agents = new Map<string, Proc>();
  t.after(async () => {
    for (const p of agents.values()) await p.stop();
  });
  for (const name of NAMES) {
    const res = await api.request("POST", "/apis/mcp.platform/v1/bootstraptokens", {
      body: { apiVersion: "mcp.platform/v1", kind: "BootstrapToken", spec: { ttl: "10m" } },
    });
    assert.equal(res.status, 201, res.text);
    const token = res.json<{ status: { token: string } }>().status.token;
    agents.set(
      name,
      run(AGENT_BIN, [
        ...["--hub", agentUrl, "--hub-ca", hub.caPath, "--cluster-name", name],
        ...["--kubeconfig", join(work, "sim", `${name}.kubeconfig`), "--state-dir", join(work, "agents")],
        ...["--bootstrap-token", token],
      ]),
    );
  }
  await eventually(
    async () => {
      const res = await api.request("GET", "/apis/mcp.platform/v1/clusters");
      const items = res.json<{ items: { status?: { conditions?: { type: string; status: string }[] } }[] }>()
        .items;
      assert.equal(
        items.filter((c) => c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"))
          .length,
        3,
      );
    },
    { timeoutMs: 20_000, intervalMs: 100, what: "3 clusters Ready" },
  );

  // A broken object in sim-001 only; sim-003's agent stops (its cluster stays joined).
  await kubectlOk(["create", "service", "clusterip", "orphan", "--tcp=80:80"], {
    kubeconfig: join(work, "sim", "sim-001.kubeconfig"),
  });
  await agents.get("sim-003")!.stop();

  const started = Date.now();
  const out = await mcpctlOk(
    hub.kubeconfigPath,
    ["diag", "scan", "--all-clusters", "-o", "json", "--timeout", "60s"],
    {
      timeoutMs: 90_000,
    },
  );
  t.diagnostic(`fleet scan of 3 clusters (1 offline) took ${Date.now() - started} ms`);
  const result = JSON.parse(out) as ScanJson;
  assert.deepEqual(result.clusters, NAMES);
  assert.deepEqual(result.missing, []);
  const byName = new Map(result.reports.map((r) => [r.spec.cluster, r]));
  assert.equal(byName.get("sim-003")!.status.error, "cluster offline");
  for (const n of ["sim-001", "sim-002"]) {
    const r = byName.get(n)!;
    assert.equal(r.status.error, undefined, `${n}: ${r.status.error}`);
    assert.ok(
      typeof r.status.score === "number" && (r.status.findings ?? []).length > 0,
      `${n} has findings`,
    );
    assert.equal(r.metadata.labels["mcp.platform/scan"], result.scan);
  }
  const orphan = (n: string) =>
    (byName.get(n)!.status.findings ?? [])
      .filter((f) => f.object === "default/Service/orphan")
      .map((f) => f.code);
  assert.ok(
    orphan("sim-001").includes("MCP-NET-004"),
    JSON.stringify(byName.get("sim-001")!.status.findings),
  );
  assert.deepEqual(orphan("sim-002"), []);

  // The table: a matrix whose MCP-NET-004 column is marked in sim-001's row only.
  const table = await mcpctl(hub.kubeconfigPath, ["diag", "scan", "--all-clusters", "--checks", "network"], {
    timeoutMs: 90_000,
  });
  assert.equal(table.code, 0, table.stderr);
  assert.match(table.stderr, /3\/3 clusters scanned/);
  const lines = table.stdout.split("\n");
  const header = lines[0].split(/\s{3,}/);
  const col = header.indexOf("MCP-NET-004");
  assert.ok(col > 0, table.stdout);
  const cell = (n: string) => lines.find((l) => l.startsWith(n))!.split(/\s{3,}/)[col];
  assert.notEqual(cell("sim-001"), ".");
  assert.equal(cell("sim-002"), ".");
  assert.match(lines.find((l) => l.startsWith("sim-003"))!, /cluster offline/);

  const listed = await mcpctlOk(hub.kubeconfigPath, ["get", "diagnosticreports", "-n", "mcp-system"]);
  for (const n of NAMES) assert.match(listed, new RegExp(`^${n}\\s`, "m"));

  // History: both scans, newest first, per cluster and across the fleet; the first scan's full
  // report is archived as mcp-system/<cluster>.<scan>.
  const second = /scan (\S+): 3 cluster\(s\) selected/.exec(table.stderr)?.[1];
  const clusterHistory = JSON.parse(
    await mcpctlOk(hub.kubeconfigPath, ["diag", "history", "--cluster", "sim-001", "-o", "json"]),
  ) as { scan: string; score?: number }[];
  assert.deepEqual(
    clusterHistory.map((h) => h.scan),
    [second, result.scan],
  );
  assert.equal(clusterHistory[1].score, byName.get("sim-001")!.status.score);
  const fleetHistory = JSON.parse(await mcpctlOk(hub.kubeconfigPath, ["diag", "history", "-o", "json"])) as {
    scan: string;
    clusters: number;
    failed: number;
  }[];
  assert.deepEqual(
    fleetHistory.map((r) => [r.scan, r.clusters, r.failed]),
    [
      [second, 3, 1],
      [result.scan, 3, 1],
    ],
  );
  const archived = JSON.parse(
    await mcpctlOk(hub.kubeconfigPath, [
      ...["get", "diagnosticreport", "-n", "mcp-system", `sim-001.${result.scan}`, "-o", "json"],
    ]),
  ) as ScanJson["reports"][number];
  assert.equal(archived.metadata.labels["mcp.platform/report"], "history");
  assert.deepEqual(
    (archived.status.findings ?? []).filter((f) => f.object === "default/Service/orphan").map((f) => f.code),
    orphan("sim-001"),
  );
});
