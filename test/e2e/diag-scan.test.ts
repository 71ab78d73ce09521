// mcp-diag end to end: the real bin/mcp-diag against a real mcp-sim cluster, through the kubeconfig
// mcp-sim wrote. Table, JSON and SARIF outputs, their schemas, and the exit codes CI gates on
// (--fail-on), before and after kubectl breaks something on purpose; an unreachable cluster
// exits 3 with one line.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { reportErrors, sarifErrors } from "../../src/diag/output/validate.ts";
import { run, startSim } from "./support/fleet.ts";
import { REPO_ROOT } from "./support/hub.ts";
import { kubectlOk } from "./support/kubectl.ts";

const DIAG = join(REPO_ROOT, "bin/mcp-diag");

async function diag(...args: string[]): Promise<{ code: number | string; stdout: string; stderr: string }> {
  const p = run(DIAG, args);
  const code = await p.exited;
  return { code, ...p.output() };
}

interface Report {
  cluster: string;
  score: number;
  summary: { error: number; warning: number; info: number };
  findings: { code: string; severity: string; object?: { kind: string; namespace?: string; name: string } }[];
  checks: { code: string; status: string }[];
}

test("mcp-diag scan against mcp-sim: outputs, schemas and exit codes", async (t) => {
  const out = await mkdtemp(join(tmpdir(), "mcp-diag-e2e-"));
  const sim = await startSim(out, 1, 3);
  t.after(async () => {
    await sim.stop();
    await rm(out, { recursive: true, force: true });
  });
  const kubeconfig = join(out, "sim-001.kubeconfig");
  const scan = (...more: string[]) => diag("scan", "--kubeconfig", kubeconfig, ...more);

  // Scan a settled cluster, as a user would: right after start-up CoreDNS is still starting, and
  // two scans moments apart would disagree about it.
  await kubectlOk(["-n", "kube-system", "rollout", "status", "deployment/coredns", "--timeout=60s"], {
    kubeconfig,
  });

  // A freshly started cluster: the JSON report validates and the exit codes agree with it.
  let r = await scan("-o", "json", "--fail-on", "none");
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, "", "no progress on a pipe");
  let report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(reportErrors(report), []);
  assert.equal(report.cluster, "sim-001");
  assert.ok(report.checks.length > 0, "the registry has checks");
  assert.deepEqual(
    report.checks.filter((c) => c.status !== "ran"),
    [],
    "every check runs with the sim's admin credential",
  );
  assert.equal((await scan()).code, report.summary.error > 0 ? 1 : 0, "--fail-on error (default)");
  assert.equal(
    (await scan("--fail-on", "warning")).code,
    report.summary.error + report.summary.warning > 0 ? 1 : 0,
  );

  // Break things on purpose: a Service selecting nothing, and a privileged pod.
  const kc = { kubeconfig };
  await kubectlOk(["create", "service", "clusterip", "orphan", "--tcp=80:8080"], kc);
  await kubectlOk(["set", "selector", "service", "orphan", "app=nothing-has-this-label"], kc);
  await kubectlOk(["apply", "-f", "-"], {
    ...kc,
    input: JSON.stringify({
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "priv", namespace: "default", labels: { app: "priv" } },
      spec: { containers: [{ name: "c", image: "busybox", securityContext: { privileged: true } }] },
    }),
  });

  r = await scan("-o", "json", "--fail-on", "none");
  report = JSON.parse(r.stdout) as Report;
  assert.deepEqual(reportErrors(report), []);
  const about = (kind: string, name: string) =>
    report.findings.filter(
      (f) => f.object?.kind === kind && f.object.namespace === "default" && f.object.name === name,
    );
  const orphan = about("Service", "orphan");
  assert.ok(orphan.length > 0, `a finding names Service default/orphan:\n${r.stdout}`);
  const priv = about("Pod", "priv").filter((f) => f.severity === "error");
  assert.ok(priv.length > 0, `an error names the privileged Pod default/priv:\n${r.stdout}`);
  assert.ok(report.score < 100);

  assert.equal((await scan()).code, 1, "an error fails the default --fail-on error");
  assert.equal((await scan("--fail-on", "none")).code, 0);
  assert.equal((await scan("--checks", "network", "--fail-on", "warning")).code, 1);
  assert.equal(
    (await scan("--checks", "storage", "--fail-on", "error")).code,
    0,
    "storage has no errors here",
  );

  // The table: rows, fixes, the summary with the score.
  r = await scan();
  assert.match(r.stdout, /^SEVERITY\s+CODE\s+OBJECT\s+MESSAGE\n/);
  assert.match(r.stdout, new RegExp(`\\n\\S+\\s+${orphan[0].code}\\s+default/Service/orphan\\s+`));
  assert.match(r.stdout, /\nFixes:\n/);
  assert.match(r.stdout, new RegExp(`\\ncluster sim-001 \\(v[\\d.]+\\): score ${report.score}/100 — `));

  // SARIF: the required shape, and a result located at the broken Service.
  r = await scan("-o", "sarif");
  assert.equal(r.code, 1);
  const sarif = JSON.parse(r.stdout);
  assert.deepEqual(sarifErrors(sarif), []);
  const located = sarif.runs[0].results.filter(
    (x: { locations?: { logicalLocations: { fullyQualifiedName: string }[] }[] }) =>
      x.locations?.[0].logicalLocations[0].fullyQualifiedName === "default/Service/orphan",
  );
  assert.ok(located.length > 0);
  assert.equal(sarif.runs[0].results.length, report.findings.length);

  // `mcp-diag checks` lists the same checks the scan ran.
  r = await diag("checks", "-o", "json");
  assert.equal(r.code, 0);
  assert.deepEqual(
    (JSON.parse(r.stdout) as { code: string }[]).map((c) => c.code),
    report.checks.map((c) => c.code),
  );

  // Unreachable: the same kubeconfig pointing at a port nothing listens on.
  const dead = join(out, "dead.kubeconfig");
  await writeFile(
    dead,
    (await readFile(kubeconfig, "utf8")).replace(
      /server: https:\/\/127\.0\.0\.1:\d+/,
      "server: https://127.0.0.1:9",
    ),
  );
  r = await diag("scan", "--kubeconfig", dead, "--timeout", "10s");
  assert.equal(r.code, 3);
  assert.equal(r.stdout, "");
  assert.match(
    r.stderr,
    /^mcp-diag: scan of sim-001 failed: cannot reach https:\/\/127\.0\.0\.1:9: [^\n]+\n$/,
  );

  // Usage errors exit 2.
  r = await scan("--checks", "nonsense");
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^mcp-diag: --checks: "nonsense" is neither an area/);
});
