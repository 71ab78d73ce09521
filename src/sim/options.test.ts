// mcp-sim's flags compile into fleet options: names, flags over the profile file, and usage
// errors for values that cannot work.
import assert from "node:assert/strict";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { test } from "node:test";
import { parseFlags, UsageError } from "../cli/flags.ts";
import { compileSimOptions, simFlags } from "./options.ts";
import { tempDir } from "./testing/helpers.ts";

const compile = (...argv: string[]) => compileSimOptions(parseFlags(simFlags, argv).flags);

test("flags build every cluster's profile", async () => {
  const o = await compile(
    "--clusters",
    "4",
    "--nodes",
    "10",
    "--k8s-version",
    "1.30.2",
    "--cni",
    "cilium",
    "--heartbeat",
    "5s",
  );
  assert.deepEqual(
    o.profiles.map((p) => p.name),
    ["sim-001", "sim-002", "sim-003", "sim-004"],
  );
  assert.equal(o.profiles[3].nodes, 10);
  assert.equal(o.profiles[0].kubernetesVersion, "v1.30.2");
  assert.equal(o.profiles[0].cni.name, "cilium");
  assert.equal(o.profiles[0].nodeHeartbeatMs, 5000);
  assert.equal(o.basePort, 0);
  assert.match(o.outDir, /mcp-sim$/);
  assert.equal(o.eventTtlMs, 3_600_000, "Events live an hour, as kube-apiserver's --event-ttl");
  assert.equal((await compile("--event-ttl", "10m")).eventTtlMs, 600_000);
  const [hpa] = (await compile("--hpa-sync-period", "2s", "--metric-resolution", "1s")).profiles;
  assert.equal(hpa.hpaSyncPeriodMs, 2000);
  assert.equal(hpa.metricResolutionMs, 1000);
  assert.equal(o.profiles[0].hpaSyncPeriodMs, undefined, "absent: the controllers' 15 s defaults");
});

test("flags win over the profile's defaults; its per-cluster rules win over flags", async (t) => {
  const dir = await tempDir(t);
  const file = join(dir, "profile.yaml");
  await writeFile(
    file,
    "defaults: {nodes: 2, kubeProxyMode: ipvs}\nclusters: [{match: sim-002, nodes: 9}]\n",
  );
  const o = await compile("--clusters", "2", "--nodes", "4", "--profile", file);
  assert.deepEqual(
    o.profiles.map((p) => [p.nodes, p.kubeProxyMode]),
    [
      [4, "ipvs"],
      [9, "ipvs"],
    ],
  );
});

test("usage errors", async () => {
  const bad: [string[], RegExp][] = [
    [["--clusters", "0"], /--clusters/],
    [["--nodes", "0"], /--nodes must be at least 1/],
    [["--k8s-version", "one"], /--k8s-version must look like/],
    [["--cni", "flannel"], /--cni must be calico or cilium/],
    [["--clusters", "10", "--base-port", "65530"], /--base-port/],
    [["--log-level", "loud"], /--log-level/],
    [["--event-ttl", "10ms"], /--event-ttl must be at least 1s/],
    [["--profile", "/nonexistent/profile.yaml"], /cannot read profile/],
  ];
  for (const [argv, re] of bad)
    await assert.rejects(
      compile(...argv),
      (e: Error) => e instanceof UsageError && re.test(e.message),
      argv.join(" "),
    );
});
