// mcp-diag's acceptance: the whole broken-fixture set (src/diag/fixtures/: at least one broken
// input per check, all 36 checks) loaded into one mcp-sim cluster through its API with the real
// kubectl and mcp-sim's fault API, the real `mcp-diag scan -o json` against it, and the exact set
// of findings (code + object) asserted: every check fires on exactly its broken objects. A second
// cluster of the same mcp-sim holds only the healthy objects and must report nothing at all.
// Exclusions (checks a simulated cluster cannot exercise) are listed in fixtures/index.ts: none.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { stringify } from "yaml";
import type { KubeObject } from "../../src/apis/meta/types.ts";
import {
  brokenCluster,
  type ClusterFixtures,
  EXCLUSIONS,
  findingKey,
  healthyCluster,
  type PatchStep,
} from "../../src/diag/fixtures/index.ts";
import { reportErrors } from "../../src/diag/output/validate.ts";
import type { ObjectRef } from "../../src/diag/types.ts";
import { run, startSim } from "./support/fleet.ts";
import { REPO_ROOT } from "./support/hub.ts";
import { kubectlOk } from "./support/kubectl.ts";
import { eventually } from "./support/wait.ts";

const DIAG = join(REPO_ROOT, "bin/mcp-diag");

interface Report {
  summary: { error: number; warning: number; info: number };
  findings: { code: string; severity: string; object?: ObjectRef; message: string }[];
  checks: { code: string; status: string }[];
}

async function scan(kubeconfig: string, ...more: string[]) {
  const p = run(DIAG, ["scan", "--kubeconfig", kubeconfig, ...more]);
  const code = await p.exited;
  return { code, ...p.output() };
}

/** kubectl's TYPE for an object: kind.group, which no short name or CRD can shadow. */
function kubectlType(r: ObjectRef): string {
  const group = r.apiVersion.includes("/") ? r.apiVersion.split("/")[0] : "";
  return group ? `${r.kind.toLowerCase()}.${group}` : r.kind.toLowerCase();
}

const nsArgs = (r: ObjectRef) => (r.namespace ? ["-n", r.namespace] : []);

async function patch(kubeconfig: string, step: PatchStep): Promise<void> {
  if (step.when) {
    const w = step.when;
    await kubectlOk(
      [
        "wait",
        `${kubectlType(w.target)}/${w.target.name}`,
        ...nsArgs(w.target),
        `--for=jsonpath=${w.jsonPath}=${w.value}`,
        "--timeout=90s",
      ],
      { kubeconfig, timeoutMs: 100_000 },
    );
  }
  const t = step.target;
  await kubectlOk(
    [
      "patch",
      kubectlType(t),
      t.name,
      ...nsArgs(t),
      `--type=${step.type}`,
      `--patch=${JSON.stringify(step.patch)}`,
      ...(step.subresource ? [`--subresource=${step.subresource}`] : []),
    ],
    { kubeconfig },
  );
}

const list = (items: KubeObject[]) => JSON.stringify({ apiVersion: "v1", kind: "List", items });

/** Loads one cluster's fixtures in the order a real cluster would see them happen. */
async function load(kubeconfig: string, fixtures: ClusterFixtures, faults: () => Promise<void>) {
  const opts = { kubeconfig, timeoutMs: 60_000 };
  await faults();
  // The fault API answers before the node's status is written: wait for it, or the scheduler may
  // still place fixture pods there.
  for (const node of (fixtures.faults.nodesNotReady as string[] | undefined) ?? [])
    await kubectlOk(["wait", `node/${node}`, "--for=condition=Ready=Unknown", "--timeout=30s"], opts);
  for (const step of fixtures.setup) await patch(kubeconfig, step);
  await kubectlOk(["create", "-f", "-"], { ...opts, input: list(fixtures.foundation) });
  const crds = fixtures.foundation.filter((o) => o.kind === "CustomResourceDefinition");
  await kubectlOk(
    ["wait", "--for=condition=Established", ...crds.map((c) => `crd/${c.metadata.name}`), "--timeout=30s"],
    opts,
  );
  // create, not apply: a fresh cluster, and no last-applied-configuration but the fixtures' own.
  await kubectlOk(["create", "-f", "-"], { ...opts, input: list(fixtures.objects) });
  for (const step of fixtures.after) await patch(kubeconfig, step);
}

const keysOf = (r: Report) => r.findings.map((f) => findingKey(f.code, f.object)).sort();

/** Scans until the findings are the expected ones (controllers settle) or time is up; returns the last. */
async function settledScan(kubeconfig: string, expected: string[]): Promise<Report> {
  let last: Report | undefined;
  try {
    await eventually(
      async () => {
        const r = await scan(kubeconfig, "-o", "json", "--fail-on", "none");
        assert.equal(r.code, 0, r.stderr);
        last = JSON.parse(r.stdout) as Report;
        assert.deepEqual(keysOf(last), expected);
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: "the expected findings" },
    );
  } catch {
    // The exact comparison below shows what differs.
  }
  assert.ok(last, "no scan succeeded");
  return last;
}

test("mcp-diag: every check fires on exactly its broken fixtures, and on nothing in a healthy cluster", {
  timeout: 420_000,
}, async (t) => {
  const out = await mkdtemp(join(tmpdir(), "mcp-diag-fixtures-"));
  t.after(() => rm(out, { recursive: true, force: true }));
  const now = new Date();
  const broken = await brokenCluster({ cluster: "sim-001", now });
  const healthy = await healthyCluster({ cluster: "sim-002", now });
  const profile = join(out, "profile.yaml");
  await writeFile(
    profile,
    stringify({
      clusters: [
        { match: "sim-001", ...broken.profile },
        { match: "sim-002", ...healthy.profile },
      ],
    }),
  );
  const sim = await startSim(join(out, "sim"), 2, 3, ["--profile", profile]);
  t.after(() => sim.stop());
  const control = (JSON.parse(await readFile(join(out, "sim", "fleet.json"), "utf8")) as { control: string })
    .control;
  const kubeconfig = (name: string) => join(out, "sim", `${name}.kubeconfig`);
  const injectFaults = (name: string, faults: object) => async () => {
    if (Object.keys(faults).length === 0) return;
    const res = await fetch(`${control}/clusters/${name}/faults`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(faults),
    });
    assert.equal(res.status, 200, await res.text());
  };

  const started = Date.now();
  await Promise.all([
    load(kubeconfig("sim-001"), broken, injectFaults("sim-001", broken.faults)),
    load(kubeconfig("sim-002"), healthy, injectFaults("sim-002", healthy.faults)),
  ]);
  t.diagnostic(`fixtures loaded in ${Date.now() - started} ms`);

  // The NotReady fixture node must host only DaemonSet pods, or pods the fault turns unready
  // (CoreDNS behind kube-dns, say) would add findings no fixture asked for.
  const notReady = (broken.faults.nodesNotReady as string[])[0];
  const stranded = await kubectlOk(
    ["get", "pods", "-A", `--field-selector=spec.nodeName=${notReady}`, "-o", "json"],
    { kubeconfig: kubeconfig("sim-001") },
  );
  const pods = (JSON.parse(stranded) as { items: KubeObject[] }).items;
  assert.deepEqual(
    pods
      .filter((p) => p.metadata.ownerReferences?.[0]?.kind !== "DaemonSet")
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`),
    [],
    `pods on ${notReady}`,
  );

  const brokenReport = await settledScan(kubeconfig("sim-001"), broken.expect);
  t.diagnostic(`broken cluster settled ${Date.now() - started} ms after loading began`);
  assert.deepEqual(keysOf(brokenReport), broken.expect, JSON.stringify(brokenReport.findings, null, 1));
  assert.deepEqual(reportErrors(brokenReport), []);
  assert.deepEqual(
    brokenReport.checks.filter((c) => c.status !== "ran"),
    [],
  );
  const fired = new Set(brokenReport.findings.map((f) => f.code));
  assert.deepEqual(
    brokenReport.checks.map((c) => c.code).filter((c) => !fired.has(c)),
    EXCLUSIONS.map((e) => e.code),
    "every check but the documented exclusions fired",
  );
  assert.equal((await scan(kubeconfig("sim-001"))).code, 1, "errors fail the default --fail-on error");

  const healthyReport = await settledScan(kubeconfig("sim-002"), healthy.expect);
  assert.deepEqual(keysOf(healthyReport), healthy.expect, JSON.stringify(healthyReport.findings, null, 1));
  assert.deepEqual(
    healthyReport.findings.filter((f) => f.severity !== "info"),
    [],
  );
  assert.deepEqual(reportErrors(healthyReport), []);
  assert.equal((await scan(kubeconfig("sim-002"), "--fail-on", "warning")).code, 0);
});
