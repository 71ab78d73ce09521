import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { configMap, context, findingKeys, runCheck, service, snapshot } from "../testing.ts";
import { kubeProxyMode, proxyMode } from "./kube-proxy-mode.ts";

const services = (n: number): KubeObject[] =>
  Array.from({ length: n }, (_, i) => service(`ns${i % 20}`, `svc-${i}`, { app: `a${i}` }));
const proxyConfig = (mode: string) =>
  configMap("kube-system", "kube-proxy", {
    "config.conf": `apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: "${mode}"\n`,
  });

test("proxyMode reads the mode, empty when unset", () => {
  assert.equal(proxyMode("kind: KubeProxyConfiguration\nmode: ipvs\n"), "ipvs");
  assert.equal(proxyMode('kind: KubeProxyConfiguration\nmode: ""\n'), "");
  assert.equal(proxyMode("kind: KubeProxyConfiguration\n"), "");
});

test("MCP-NET-001 warns on default iptables mode with more than 1000 Services", () => {
  const snap = snapshot({ configmaps: [proxyConfig("")], services: services(1001) });
  const findings = runCheck(kubeProxyMode, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NET-001 ConfigMap kube-system/kube-proxy"]);
  assert.equal(findings[0].severity, "warning");
  assert.match(findings[0].message, /1001 Services/);
  // nftables is beta from 1.31 only, so the v1.30 fixture is pointed at ipvs.
  assert.match(findings[0].fix, /mode: "ipvs"/);
  const newer = { ...snap, kubernetesVersion: "v1.33.1" };
  assert.match(runCheck(kubeProxyMode, context(newer))[0].fix, /mode: "nftables"/);
});

test("MCP-NET-001 errors on userspace mode and notes deprecated ipvs on 1.35", () => {
  const user = runCheck(kubeProxyMode, context(snapshot({ configmaps: [proxyConfig("userspace")] })));
  assert.deepEqual(findingKeys(user), ["MCP-NET-001 ConfigMap kube-system/kube-proxy"]);
  assert.equal(user[0].severity, "error");
  const snap = { ...snapshot({ configmaps: [proxyConfig("ipvs")] }), kubernetesVersion: "v1.35.0" };
  const ipvs = runCheck(kubeProxyMode, context(snap));
  assert.equal(ipvs.length, 1);
  assert.equal(ipvs[0].severity, "info");
});

test("MCP-NET-001 is silent on healthy clusters", () => {
  const headless = Array.from({ length: 1200 }, (_, i) =>
    service("a", `h${i}`, { app: "x" }, { clusterIP: "None" }),
  );
  for (const snap of [
    snapshot({ configmaps: [proxyConfig("iptables")], services: services(1000) }),
    snapshot({ configmaps: [proxyConfig("")], services: headless }),
    snapshot({ configmaps: [proxyConfig("ipvs")], services: services(1500) }),
    snapshot({ configmaps: [proxyConfig("nftables")], services: services(1500) }),
    snapshot({ configmaps: [], services: services(1500) }), // kube-proxy replaced (Cilium)
  ]) {
    assert.deepEqual(runCheck(kubeProxyMode, context(snap)), []);
  }
});
