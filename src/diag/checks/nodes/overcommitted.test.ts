import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, nodeWith, pod, runCheck, snapshot } from "../testing.ts";
import { nodeOvercommitted } from "./overcommitted.ts";

const requesting = (name: string, node: string, cpu: string, memory: string, phase = "Running") =>
  pod("apps", name, {
    phase,
    spec: {
      nodeName: node,
      containers: [{ name: "app", image: "app:1", resources: { requests: { cpu, memory } } }],
    },
  });

test("flags nodes whose scheduled pods request over 80% of allocatable CPU or memory", () => {
  // Every node: 4 CPU, 8Gi allocatable.
  const snap = snapshot({
    nodes: [
      nodeWith("roomy"),
      nodeWith("cpu-full"),
      nodeWith("mem-full"),
      nodeWith("exactly-80"),
      nodeWith("done"),
    ],
    pods: [
      requesting("a", "roomy", "1", "2Gi"),
      requesting("b", "cpu-full", "2", "1Gi"),
      requesting("c", "cpu-full", "1500m", "1Gi"), // 3.5 of 4 CPU
      requesting("d", "mem-full", "500m", "7Gi"),
      requesting("e", "exactly-80", "3200m", "6553Mi"), // CPU exactly 80%, memory just under: not over
      requesting("f", "done", "4", "8Gi", "Succeeded"), // finished pods free their requests
      pod("apps", "pending", {
        spec: { containers: [{ name: "x", resources: { requests: { cpu: "64" } } }] },
      }),
    ],
  });
  const findings = runCheck(nodeOvercommitted, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NODE-005 Node cpu-full", "MCP-NODE-005 Node mem-full"]);
  assert.match(findings[0].message, /cpu 88% \(3500m of 4000m\)/);
  assert.match(findings[1].message, /memory 88% \(7168Mi of 8192Mi\)/);
});

test("an init container larger than the app containers counts as the pod's request", () => {
  const big = pod("apps", "migrate", {
    spec: {
      nodeName: "n",
      initContainers: [{ name: "init", resources: { requests: { cpu: "3500m" } } }],
      containers: [{ name: "app", resources: { requests: { cpu: "100m" } } }],
    },
  });
  const findings = runCheck(nodeOvercommitted, context(snapshot({ nodes: [nodeWith("n")], pods: [big] })));
  assert.deepEqual(findingKeys(findings), ["MCP-NODE-005 Node n"]);
});
