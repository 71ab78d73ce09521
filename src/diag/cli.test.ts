// mcp-diag's commands in-process against the test API server: flags, outputs, and the exit codes
// CI gates on (0 clean, 1 findings at/above --fail-on, 2 usage, 3 the scan failed).
import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { loadObjects } from "../agent/status/fixtures.ts";
import { startTestApi } from "../apiserver/testing/harness.ts";
import { diagMain, type Io } from "./cli.ts";
import { reportErrors, sarifErrors } from "./output/validate.ts";
import type { Check } from "./types.ts";

function io(tty = false) {
  const out = { stdout: "", stderr: "" };
  const sink: Io = { stdout: (s) => (out.stdout += s), stderr: (s) => (out.stderr += s), tty };
  return { out, sink };
}

/** A check that flags every Service without selector (error) and every ConfigMap named warn-* (warning). */
const testChecks: Check[] = [
  {
    code: "MCP-NET-900",
    area: "network",
    title: "Service without selector",
    severity: "error",
    reads: ["services"],
    description: "test",
    run: ({ snapshot }) =>
      (snapshot.objects.services ?? [])
        .filter((s) => !(s.spec as { selector?: unknown })?.selector)
        .map((s) => ({
          code: "MCP-NET-900",
          severity: "error" as const,
          object: {
            apiVersion: "v1",
            kind: "Service",
            namespace: s.metadata.namespace,
            name: s.metadata.name!,
          },
          message: `Service ${s.metadata.namespace}/${s.metadata.name} has no selector.`,
          fix: `kubectl -n ${s.metadata.namespace} delete service ${s.metadata.name}`,
        })),
  },
  {
    code: "MCP-OPS-900",
    area: "operations",
    title: "Warn config",
    severity: "warning",
    reads: ["configmaps"],
    description: "test",
    run: ({ snapshot }) =>
      (snapshot.objects.configmaps ?? [])
        .filter((c) => c.metadata.name!.startsWith("warn-"))
        .map((c) => ({
          code: "MCP-OPS-900",
          severity: "warning" as const,
          object: {
            apiVersion: "v1",
            kind: "ConfigMap",
            namespace: c.metadata.namespace,
            name: c.metadata.name!,
          },
          message: `ConfigMap ${c.metadata.name} warns.`,
          fix: "rename it",
        })),
  },
];

async function setup(t: test.TestContext) {
  const api = await startTestApi();
  const dir = await mkdtemp(join(tmpdir(), "mcp-diag-cli-"));
  t.after(async () => {
    await api.close();
    await rm(dir, { recursive: true, force: true });
  });
  const kubeconfig = join(dir, "kubeconfig");
  await writeFile(
    kubeconfig,
    [
      "apiVersion: v1",
      "kind: Config",
      `clusters: [{name: test-cluster, cluster: {server: "${api.url}", insecure-skip-tls-verify: true}}]`,
      "users: [{name: admin, user: {token: admin}}, {name: nobody, user: {token: nobody}}]",
      "contexts: [{name: admin, context: {cluster: test-cluster, user: admin}}, {name: nobody, context: {cluster: test-cluster, user: nobody}}]",
      "current-context: admin",
    ].join("\n"),
  );
  const run = async (...argv: string[]) => {
    const { out, sink } = io();
    const code = await diagMain(argv, sink, testChecks);
    return { code, ...out };
  };
  return { api, kubeconfig, run };
}

test("usage errors exit 2 with one line; --help and --version exit 0", async (t) => {
  const { kubeconfig, run } = await setup(t);
  for (const argv of [
    [],
    ["frobnicate"],
    ["scan", "--kubeconfig", kubeconfig, "-o", "yaml"],
    ["scan", "--kubeconfig", kubeconfig, "--fail-on", "info"],
    ["scan", "--kubeconfig", kubeconfig, "--checks", "dns"],
    ["scan", "--kubeconfig", kubeconfig, "--target-version", "latest"],
    ["scan", "--kubeconfig", kubeconfig, "--timeout", "soon"],
    ["scan", "--kubeconfig", kubeconfig, "--context", "missing"],
    ["scan", "--kubeconfig", "/nonexistent/kubeconfig"],
    ["scan", "--bogus"],
  ]) {
    const r = await run(...argv);
    assert.equal(r.code, 2, `${argv.join(" ")}: ${r.stderr}`);
    assert.match(r.stderr, /^mcp-diag: .+ \(see mcp-diag --help\)\n$/, argv.join(" "));
    assert.equal(r.stdout, "");
  }
  const help = await run("--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /mcp-diag scan/);
  const scanHelp = await run("scan", "--help");
  assert.match(scanHelp.stdout, /--fail-on STRING\s+exit 1 when/);
  assert.match(scanHelp.stdout, /Exit codes: 0 clean/);
  assert.match((await run("--version")).stdout, /^mcp-diag \d+\.\d+\.\d+\n$/);
});

test("mcp-diag checks lists every check", async (t) => {
  const { run } = await setup(t);
  const table = await run("checks");
  assert.equal(table.code, 0);
  assert.match(
    table.stdout,
    /^CODE\s+AREA\s+SEVERITY\s+TITLE\nMCP-NET-900\s+network\s+error\s+Service without selector\n/,
  );
  assert.match(table.stdout, /\n2 checks\n$/);
  const json = JSON.parse((await run("checks", "-o", "json")).stdout);
  assert.deepEqual(json[1], {
    code: "MCP-OPS-900",
    area: "operations",
    severity: "warning",
    title: "Warn config",
    description: "test",
    reads: ["configmaps"],
  });
});

test("exit codes follow --fail-on; -o json and -o sarif validate", async (t) => {
  const { api, kubeconfig, run } = await setup(t);
  const scan = (...more: string[]) => run("scan", "--kubeconfig", kubeconfig, ...more);

  let r = await scan("-o", "json");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "", "no progress when stderr is not a terminal");
  let report = JSON.parse(r.stdout);
  assert.deepEqual(reportErrors(report), []);
  assert.equal(report.cluster, "test-cluster");
  assert.equal(report.score, 100);

  await loadObjects(api.store, [
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "warn-me", namespace: "default" } },
  ]);
  assert.equal((await scan()).code, 0, "a warning does not fail --fail-on error (the default)");
  assert.equal((await scan("--fail-on", "warning")).code, 1);

  await loadObjects(api.store, [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "headless", namespace: "default" },
      spec: { ports: [{ port: 80 }] },
    },
  ]);
  r = await scan();
  assert.equal(r.code, 1);
  assert.match(
    r.stdout,
    /^SEVERITY\s+CODE\s+OBJECT\s+MESSAGE\nerror\s+MCP-NET-900\s+default\/Service\/headless\s+/,
  );
  assert.match(r.stdout, /score 87\/100 — 1 error, 1 warning, 0 info; 2 checks ran\n$/);
  assert.equal((await scan("--fail-on", "none")).code, 0);
  assert.equal((await scan("--checks", "operations")).code, 0, "--checks leaves the network check out");
  assert.equal((await scan("--checks", "mcp-net-900,operations")).code, 1, "codes select too");

  r = await scan("-o", "json", "--target-version", "v1.31.2");
  report = JSON.parse(r.stdout);
  assert.deepEqual(reportErrors(report), []);
  assert.equal(report.targetVersion, "1.31");
  assert.deepEqual(report.summary, { error: 1, warning: 1, info: 0 });

  r = await scan("-o", "sarif");
  assert.equal(r.code, 1);
  const sarif = JSON.parse(r.stdout);
  assert.deepEqual(sarifErrors(sarif), []);
  assert.deepEqual(
    sarif.runs[0].results.map((x: { ruleId: string; level: string }) => `${x.ruleId} ${x.level}`),
    ["MCP-NET-900 error", "MCP-OPS-900 warning"],
  );
});

test("an unreachable cluster or a rejected credential exits 3 with one line", async (t) => {
  const { api, kubeconfig, run } = await setup(t);
  const r = await run("scan", "--kubeconfig", kubeconfig, "--context", "nobody");
  assert.equal(r.code, 3);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^mcp-diag: scan of test-cluster failed: the credential was rejected by .*HTTP 401[^\n]*\n$/,
  );

  await api.close();
  const down = await run("scan", "--kubeconfig", kubeconfig, "--timeout", "5s");
  assert.equal(down.code, 3);
  assert.match(
    down.stderr,
    /^mcp-diag: scan of test-cluster failed: cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/,
  );
});

test("progress goes to stderr on a terminal, and is cleared", async (t) => {
  const { kubeconfig } = await setup(t);
  const { out, sink } = io(true);
  assert.equal(await diagMain(["scan", "--kubeconfig", kubeconfig], sink, testChecks), 0);
  assert.ok(out.stderr.endsWith("\rreading test-cluster: 4/4 requests\r\x1b[K"), JSON.stringify(out.stderr));
  assert.match(out.stdout, /^No findings\./);
});
