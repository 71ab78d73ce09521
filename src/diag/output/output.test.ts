// The three report formats over one scan result: JSON validates against report.schema.json,
// SARIF has the shape SARIF 2.1.0 requires (and code-scanning tools read), and the table shows
// what a person needs — the rows, the fixes, the score.
import assert from "node:assert/strict";
import { test } from "node:test";
import { runChecks } from "../scan.ts";
import type { Check, ClusterSnapshot } from "../types.ts";
import { formatJson, type ReportMeta } from "./json.ts";
import { formatSarif } from "./sarif.ts";
import { formatTable } from "./table.ts";
import { reportErrors, sarifErrors } from "./validate.ts";

const NOW = new Date("2025-06-01T12:00:00Z");
const META: ReportMeta = { cluster: "sim-001", scannedAt: NOW, unreadable: {} };

const snapshot: ClusterSnapshot = {
  kubernetesVersion: "v1.30.2",
  objects: { services: [] },
  unreadable: { secrets: "permission denied reading secrets (v1): HTTP 403" },
  servedResources: [],
  kubeconfigCertificates: [],
};

const checks: Check[] = [
  {
    code: "MCP-NET-003",
    area: "network",
    title: "Service selects no pods",
    severity: "error",
    reads: ["services"],
    description:
      "A Service whose selector matches no pod has no endpoints: its clients get connection refused.",
    run: () => [
      {
        code: "MCP-NET-003",
        severity: "error",
        object: { apiVersion: "v1", kind: "Service", namespace: "default", name: "web" },
        message: "Service default/web selects no pods (app=web).",
        fix: "kubectl -n default edit service web",
      },
      {
        code: "MCP-NET-003",
        severity: "warning",
        object: { apiVersion: "v1", kind: "Node", name: "node-1" },
        message: "Node node-1 is cluster-scoped.",
        fix: "none",
      },
    ],
  },
  {
    code: "MCP-OPS-001",
    area: "operations",
    title: "Certificate expires soon",
    severity: "warning",
    reads: ["secrets"],
    description: "TLS certificates expiring within 30 days.",
    run: () => [],
  },
  {
    code: "MCP-SEC-009",
    area: "security",
    title: "Broken",
    severity: "warning",
    reads: [],
    description: "Always throws.",
    run: () => {
      throw new Error("boom");
    },
  },
];

const result = runChecks(snapshot, checks, { now: NOW, targetVersion: "1.31" });

test("-o json validates against report.schema.json, with and without a target version", () => {
  const report = JSON.parse(formatJson(result, { ...META, unreadable: snapshot.unreadable }));
  assert.deepEqual(reportErrors(report), []);
  assert.equal(report.cluster, "sim-001");
  assert.equal(report.targetVersion, "1.31");
  assert.equal(report.score, 87);
  assert.deepEqual(report.summary, { error: 1, warning: 1, info: 2 });
  assert.deepEqual(
    report.checks.map((c: { code: string; status: string }) => `${c.code} ${c.status}`),
    ["MCP-NET-003 ran", "MCP-OPS-001 skipped-unreadable", "MCP-SEC-009 failed"],
  );
  assert.equal(report.findings[1].object.namespace, undefined, "cluster-scoped objects carry no namespace");

  const plain = JSON.parse(formatJson(runChecks(snapshot, [], { now: NOW }), META));
  assert.deepEqual(reportErrors(plain), []);
  assert.equal(plain.targetVersion, null);
  assert.deepEqual(plain.findings, []);
});

test("the schema check has teeth: it rejects a wrong report", () => {
  const report = JSON.parse(formatJson(result, META));
  report.findings[0].severity = "fatal";
  report.score = 101;
  delete report.cluster;
  report.extra = true;
  const errs = reportErrors(report);
  assert.ok(
    errs.some((e) => e.startsWith("findings[0].severity")),
    errs.join("\n"),
  );
  assert.ok(errs.some((e) => e.startsWith("score")));
  assert.ok(errs.some((e) => e.startsWith("cluster")));
  assert.ok(errs.some((e) => e.startsWith("extra")));
});

test("-o sarif has SARIF 2.1.0's required shape, one rule per check and located results", () => {
  const log = JSON.parse(formatSarif(result, META, checks));
  assert.deepEqual(sarifErrors(log), []);
  const run = log.runs[0];
  assert.equal(run.tool.driver.name, "mcp-diag");
  const rule = run.tool.driver.rules.find((r: { id: string }) => r.id === "MCP-NET-003");
  assert.deepEqual(rule.shortDescription, { text: "Service selects no pods" });
  assert.match(rule.fullDescription.text, /connection refused/);
  assert.deepEqual(rule.defaultConfiguration, { level: "error" });
  assert.equal(rule.name, "ServiceSelectsNoPods");
  assert.deepEqual(
    run.results.map((r: { ruleId: string; level: string }) => `${r.ruleId} ${r.level}`),
    ["MCP-NET-003 error", "MCP-NET-003 warning", "MCP-DIAG-000 note", "MCP-DIAG-001 note"],
  );
  assert.equal(run.results[0].locations[0].logicalLocations[0].fullyQualifiedName, "default/Service/web");
  assert.equal(run.results[1].locations[0].logicalLocations[0].fullyQualifiedName, "Node/node-1");
  assert.equal(run.results[2].locations, undefined, "cluster-wide findings have no location");
  assert.match(run.results[0].message.text, /selects no pods.*Fix: kubectl -n default edit service web/);
  assert.equal(run.results[0].ruleIndex, 0);
  assert.equal(run.properties.score, 87);

  assert.ok(sarifErrors({ version: "2.0.0", runs: [{ tool: { driver: {} }, results: [{}] }] }).length >= 4);
});

test("the table lists findings, then their fixes, then the score", () => {
  const out = formatTable(result, META);
  const lines = out.split("\n");
  assert.match(lines[0], /^SEVERITY\s+CODE\s+OBJECT\s+MESSAGE$/);
  assert.match(
    lines[1],
    /^error\s+MCP-NET-003\s+default\/Service\/web\s+Service default\/web selects no pods/,
  );
  assert.match(out, /Fixes:\n {2}MCP-NET-003 default\/Service\/web: kubectl -n default edit service web/);
  assert.match(
    out,
    /cluster sim-001 \(v1\.30\.2, target 1\.31\): score 87\/100 — 1 error, 1 warning, 2 info; 1 check ran, 1 skipped \(unreadable input\), 1 failed\n$/,
  );
  assert.match(formatTable(runChecks(snapshot, [], { now: NOW }), META), /^No findings\.\n\ncluster sim-001/);
});
