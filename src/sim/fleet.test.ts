// A fleet: a kubeconfig per cluster that the real kubectl accepts, the fleet index, and the
// control API (and `mcp-sim fault`, its CLI) injecting and clearing faults.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { SimFleet } from "./fleet.ts";
import { fleetProfiles } from "./profile.ts";
import { hasKubectl, kubectl, tempDir } from "./testing/helpers.ts";

const BIN = fileURLToPath(new URL("../../bin/mcp-sim", import.meta.url));

async function startFleet(t: import("node:test").TestContext, n = 2) {
  const out = await tempDir(t);
  const names = Array.from({ length: n }, (_, i) => `sim-00${i + 1}`);
  const progress: number[] = [];
  const fleet = await SimFleet.start({
    profiles: fleetProfiles(names, { nodes: 2 }),
    outDir: out,
    onProgress: (done) => progress.push(done),
  });
  t.after(() => fleet.stop());
  return { fleet, out, progress };
}

test("every cluster gets a kubeconfig for kubectl, and fleet.json lists them", {
  skip: !(await hasKubectl),
}, async (t) => {
  const { fleet, out, progress } = await startFleet(t);
  assert.deepEqual(progress, [1, 2]);
  const index = JSON.parse(await readFile(join(out, "fleet.json"), "utf8"));
  assert.equal(index.control, fleet.control.url);
  assert.deepEqual(
    index.clusters.map((c: { name: string; labels: { region: string } }) => [c.name, c.labels.region]),
    [
      ["sim-001", "us-east"],
      ["sim-002", "us-west"],
    ],
  );
  for (const c of index.clusters) {
    assert.equal(((await stat(c.kubeconfig)).mode & 0o777).toString(8), "600");
    const r = await kubectl(c.kubeconfig, ["get", "nodes", "--no-headers"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^${c.name}-control-plane\\s+Ready`));
  }
});

test("the control API injects, reports and clears faults", async (t) => {
  const { fleet } = await startFleet(t);
  const api = fleet.control.url;
  const call = async (method: string, path: string, body?: unknown) => {
    const r = await fetch(api + path, {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    // biome-ignore lint/suspicious/noExplicitAny: control API answers are untyped JSON
    return { status: r.status, body: (await r.json()) as Record<string, any> };
  };
  const list = await call("GET", "/clusters");
  assert.deepEqual(
    list.body.clusters.map((c: { name: string }) => c.name),
    ["sim-001", "sim-002"],
  );

  const set = await call("POST", "/clusters/sim-002/faults", {
    nodesNotReady: 1,
    apiLatencyMs: 100,
    appErrorRate: 0.5,
  });
  assert.equal(set.status, 200);
  assert.deepEqual(set.body.nodesNotReady, ["sim-002-worker"]);
  assert.equal(fleet.cluster("sim-002")!.faults.apiLatencyMs, 100);
  assert.equal(fleet.cluster("sim-001")!.faults.apiLatencyMs, 0, "other clusters are untouched");

  const put = await call("PUT", "/clusters/sim-002/faults", { crashLoop: ["default/web"] });
  assert.deepEqual(put.body.crashLoop, ["default/web"]);
  assert.equal(put.body.apiLatencyMs, 0, "PUT replaces every fault");

  const one = await call("GET", "/clusters/sim-002");
  assert.match(one.body.kubeconfig, /sim-002\.kubeconfig$/);
  assert.equal(one.body.profile.nodes, 2);

  assert.equal((await call("DELETE", "/clusters/sim-002/faults")).body.crashLoop.length, 0);
  assert.equal((await call("POST", "/clusters/sim-002/faults", { appErrorRate: 2 })).status, 400);
  assert.equal((await call("POST", "/clusters/sim-009/faults", {})).status, 404);
  assert.equal((await call("DELETE", "/clusters")).status, 405);
});

test("mcp-sim fault drives the control API", async (t) => {
  const { fleet, out } = await startFleet(t);
  const run = (args: string[]) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
      execFile(BIN, ["fault", ...args], (err, stdout, stderr) =>
        resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
      ),
    );
  const offline = await run(["sim-001", "--offline", "--latency", "200ms", "--out", out]);
  assert.equal(offline.code, 0, offline.stderr);
  assert.match(offline.stdout, /offline\s+true/);
  assert.equal(fleet.cluster("sim-001")!.faults.offline, true);
  assert.equal(fleet.cluster("sim-001")!.faults.apiLatencyMs, 200);

  const healed = await run(["sim-001", "--clear", "--error-rate", "0.1", "--control", fleet.control.url]);
  assert.equal(healed.code, 0, healed.stderr);
  assert.equal(fleet.cluster("sim-001")!.faults.offline, false);
  assert.equal(fleet.cluster("sim-001")!.faults.appErrorRate, 0.1);

  const bad = await run(["sim-001", "--nodes-not-ready", "nope", "--out", out]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /no node named nope/);
  const usage = await run(["--offline", "--out", out]);
  assert.equal(usage.code, 2);
});
