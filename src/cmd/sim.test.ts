// mcp-sim as a user runs it: flags, --help/--version, starting a fleet that the real kubectl
// can use, and a clean stop on SIGTERM.
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { hasKubectl, kubectl } from "../sim/testing/helpers.ts";

const BIN = fileURLToPath(new URL("../../bin/mcp-sim", import.meta.url));

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) =>
    execFile(BIN, args, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

test("--help, --version and bad flags", async () => {
  const help = await run(["--help"]);
  assert.equal(help.code, 0);
  for (const flag of [
    "--clusters",
    "--nodes",
    "--k8s-version",
    "--out",
    "--profile",
    "--base-port",
    "--control-port",
  ])
    assert.ok(help.stdout.includes(flag), flag);
  assert.match((await run(["--version"])).stdout, /^mcp-sim \d+\.\d+\.\d+/);
  const bad = await run(["--clusters", "0"]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--clusters must be from 1 to 10000/);
  const profile = await run(["--profile", "/nonexistent.yaml"]);
  assert.equal(profile.code, 2);
  assert.match(profile.stderr, /cannot read profile/);
});

test("starts a fleet on fixed ports, serves kubectl, stops on SIGTERM", {
  skip: !(await hasKubectl),
}, async (t) => {
  const out = await mkdtemp(join(tmpdir(), "mcp-sim-cmd-"));
  t.after(() => rm(out, { recursive: true, force: true }));
  const base = 20000 + Math.floor(Math.random() * 20000);
  const child = spawn(BIN, [
    "--clusters",
    "2",
    "--nodes",
    "2",
    "--k8s-version",
    "1.30.1",
    "--out",
    out,
    "--base-port",
    String(base),
  ]);
  t.after(() => child.kill("SIGKILL"));
  let stdout = "";
  child.stdout.on("data", (d) => {
    stdout += d;
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  for (let i = 0; i < 200 && !stdout.includes("control API:"); i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.match(stdout, /started 2\/2 clusters/);
  assert.match(stdout, /2 cluster\(s\) running/);

  const nodes = await kubectl(join(out, "sim-002.kubeconfig"), [
    "get",
    "nodes",
    "-o",
    "wide",
    "--no-headers",
  ]);
  assert.equal(nodes.code, 0, nodes.stderr);
  assert.match(nodes.stdout, /sim-002-control-plane\s+Ready\s+control-plane\s+\S+\s+v1\.30\.1/);
  const server = await kubectl(join(out, "sim-002.kubeconfig"), [
    "config",
    "view",
    "-o",
    "jsonpath={.clusters[0].cluster.server}",
  ]);
  assert.equal(server.stdout, `https://127.0.0.1:${base + 1}`);

  child.kill("SIGTERM");
  assert.equal(await exited, 0);
});
