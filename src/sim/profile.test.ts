// Profiles: defaults, flags over the file's defaults, per-cluster overrides by glob, round-robin
// placement labels, and clear errors for bad files.
import assert from "node:assert/strict";
import { test } from "node:test";
import { clusterName, fleetProfiles, globToRegExp, ProfileError, parseProfileFile } from "./profile.ts";

const names = (n: number) => Array.from({ length: n }, (_, i) => clusterName(i, n));

test("defaults: v1.29.4, calico v3.27.2 MTU 1440, iptables, etcd 3.5.12, 2 CoreDNS, 8 CPU/32Gi/110 pods", () => {
  const [p] = fleetProfiles(["sim-001"], {});
  assert.equal(p.name, "sim-001");
  assert.equal(p.kubernetesVersion, "v1.29.4");
  assert.deepEqual(p.cni, { name: "calico", version: "v3.27.2", mtu: 1440 });
  assert.equal(p.kubeProxyMode, "iptables");
  assert.equal(p.etcdVersion, "3.5.12");
  assert.equal(p.coreDNSReplicas, 2);
  assert.equal(p.nodeCpu, "8");
  assert.equal(p.nodeMemory, "32Gi");
  assert.equal(p.nodePods, 110);
  assert.equal(p.podStartDelayMs, 1000);
  assert.equal(p.nodeHeartbeatMs, 10_000);
});

test("cluster names widen past 999", () => {
  assert.equal(clusterName(0, 3), "sim-001");
  assert.equal(clusterName(999, 1000), "sim-1000");
  assert.equal(clusterName(0, 1000), "sim-0001");
});

test("regions and zones rotate across the fleet", () => {
  const ps = fleetProfiles(names(5), {});
  assert.deepEqual(
    ps.map((p) => `${p.labels.region}/${p.labels.zone}`),
    ["us-east/us-east-a", "us-west/us-west-a", "us-east/us-east-b", "us-west/us-west-b", "us-east/us-east-c"],
  );
  assert.equal(ps[0].labels.provider, "mcp-sim");
});

test("file defaults < flags < per-cluster overrides", () => {
  const file = parseProfileFile(`
defaults:
  nodes: 5
  kubeProxyMode: ipvs
  podStartDelay: 250ms
  hpaSyncPeriod: 5s
  metricResolutionMs: 2000
  labels: {env: staging}
regions: [eu-west]
clusters:
  - match: "sim-00[1-2]"
    kubernetesVersion: 1.28.9
    cni: {name: cilium, version: 1.14.5, mtu: 1450}
  - match: [sim-003]
    nodes: 1
    labels: {env: prod, region: ap-south}
`);
  const ps = fleetProfiles(names(4), { nodes: 7 }, file);
  assert.deepEqual(
    ps.map((p) => [
      p.name,
      p.kubernetesVersion,
      p.cni.name,
      p.cni.version,
      p.cni.mtu,
      p.nodes,
      p.labels.env,
      p.labels.region,
    ]),
    [
      ["sim-001", "v1.28.9", "cilium", "v1.14.5", 1450, 7, "staging", "eu-west"],
      ["sim-002", "v1.28.9", "cilium", "v1.14.5", 1450, 7, "staging", "eu-west"],
      ["sim-003", "v1.29.4", "calico", "v3.27.2", 1440, 1, "prod", "ap-south"],
      ["sim-004", "v1.29.4", "calico", "v3.27.2", 1440, 7, "staging", "eu-west"],
    ],
  );
  assert.equal(ps[0].kubeProxyMode, "ipvs");
  assert.equal(ps[0].podStartDelayMs, 250);
  assert.equal(ps[0].hpaSyncPeriodMs, 5000);
  assert.equal(ps[0].metricResolutionMs, 2000);
  assert.equal(ps[2].labels.zone, "ap-south-c", "a region override keeps the zone in that region");
});

test("switching CNI without a version takes that CNI's defaults", () => {
  const [p] = fleetProfiles(["sim-001"], { cni: { name: "cilium" } });
  assert.deepEqual(p.cni, { name: "cilium", version: "v1.14.5", mtu: 1450 });
});

test("globs", () => {
  assert.ok(globToRegExp("sim-00[0-4]").test("sim-003"));
  assert.ok(!globToRegExp("sim-00[0-4]").test("sim-005"));
  assert.ok(globToRegExp("sim-*").test("sim-1000"));
  assert.ok(globToRegExp("sim-00?").test("sim-009"));
  assert.ok(!globToRegExp("sim-00[!1]").test("sim-001"));
  assert.ok(!globToRegExp("sim.1").test("simx1"), "dots are literal");
});

test("bad profiles are rejected with the field at fault", () => {
  const bad: [string, RegExp][] = [
    ["defaults: {nodez: 3}", /defaults\.nodez: unknown field/],
    ["defaults: {nodes: 0}", /defaults\.nodes must be a whole number >= 1/],
    ["defaults: {kubernetesVersion: latest}", /must look like v1\.29\.4/],
    ["defaults: {cni: {name: flannel}}", /cni\.name must be calico or cilium/],
    ["defaults: {kubeProxyMode: nftables}", /iptables or ipvs/],
    ["clusters: [{nodes: 2}]", /clusters\[0\]: match .* is required/],
    ["clusters: [{match: 'sim-[1'}]", /unclosed \[/],
    ["regions: []", /regions must be a non-empty list/],
    ["fleet: 3", /unknown field "fleet"/],
    ["defaults: [", /invalid YAML/],
  ];
  for (const [text, re] of bad)
    assert.throws(
      () => parseProfileFile(text),
      (e: Error) => e instanceof ProfileError && re.test(e.message),
      text,
    );
  assert.deepEqual(parseProfileFile(""), {});
});
