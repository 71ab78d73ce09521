import assert from "node:assert/strict";
import { test } from "node:test";
import { configMap, context, daemonSet, findingKeys, node, runCheck, snapshot } from "../testing.ts";
import { mtuMismatch } from "./mtu-mismatch.ts";

const calicoNode = (ipip: string, vxlan: string) =>
  daemonSet("kube-system", "calico-node", {
    containers: [
      {
        name: "calico-node",
        env: [
          { name: "CALICO_IPV4POOL_IPIP", value: ipip },
          { name: "CALICO_IPV4POOL_VXLAN", value: vxlan },
        ],
      },
    ],
  });
const mtu = (name: string, value: string) => node(name, { "mcp.platform/mtu": value });

test("MCP-NET-002 flags nodes too small for Calico VXLAN and nodes that differ from the rest", () => {
  const snap = snapshot({
    configmaps: [configMap("kube-system", "calico-config", { veth_mtu: "1480", calico_backend: "bird" })],
    daemonsets: [calicoNode("Never", "Always")],
    nodes: [mtu("n1", "9001"), mtu("n2", "9001"), mtu("n3", "1500"), mtu("n4", "8000"), node("n5")],
  });
  const findings = runCheck(mtuMismatch, context(snap));
  // n3: 1480 + 50 > 1500 (error); n4: differs from the 9001 majority (warning); n5 has no annotation.
  assert.deepEqual(findingKeys(findings), ["MCP-NET-002 Node n3", "MCP-NET-002 Node n4"]);
  const n3 = findings.find((f) => f.object?.name === "n3");
  assert.equal(n3?.severity, "error");
  assert.match(n3?.message ?? "", /1480 \+ 50 bytes of vxlan/);
  assert.match(n3?.fix ?? "", /"veth_mtu":"1450"/);
  assert.equal(findings.find((f) => f.object?.name === "n4")?.severity, "warning");
});

test("MCP-NET-002 falls back to a 1500 underlay when no node reports its MTU", () => {
  const snap = snapshot({
    configmaps: [configMap("kube-system", "cilium-config", { mtu: "1500", "tunnel-protocol": "geneve" })],
    nodes: [node("n1"), node("n2")],
  });
  const findings = runCheck(mtuMismatch, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NET-002 ConfigMap kube-system/cilium-config"]);
  assert.match(findings[0].fix, /"mtu":"1450"/);
});

test("MCP-NET-002 is silent on healthy clusters", () => {
  for (const snap of [
    // Calico IPIP: 1480 + 20 fits 1500 exactly.
    snapshot({
      configmaps: [configMap("kube-system", "calico-config", { veth_mtu: "1480" })],
      daemonsets: [calicoNode("Always", "Never")],
      nodes: [mtu("n1", "1500"), mtu("n2", "1500")],
    }),
    // Auto-detected MTU ("0") is always safe.
    snapshot({
      configmaps: [configMap("kube-system", "calico-config", { veth_mtu: "0" })],
      daemonsets: [calicoNode("Never", "Always")],
      nodes: [mtu("n1", "1500")],
    }),
    // Cilium native routing with jumbo frames, and an unknown encapsulation without node facts.
    snapshot({
      configmaps: [configMap("kube-system", "cilium-config", { mtu: "9000", "routing-mode": "native" })],
      nodes: [mtu("n1", "9000")],
    }),
    snapshot({
      configmaps: [configMap("kube-system", "cilium-config", { mtu: "1500" })],
      nodes: [node("n1")],
    }),
    snapshot({ configmaps: [], nodes: [node("n1")] }),
  ]) {
    assert.deepEqual(runCheck(mtuMismatch, context(snap)), []);
  }
});
