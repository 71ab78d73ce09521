import assert from "node:assert/strict";
import { test } from "node:test";
import { kubeadmCalicoCluster } from "./fixtures.ts";
import { type NodeLike, slimNode, summarizeNodes } from "./nodes.ts";

const nodes = () => kubeadmCalicoCluster().filter((o) => o.kind === "Node") as NodeLike[];

test("a slimmed node summarizes as the served one and keeps nothing else", () => {
  const served = nodes();
  assert.ok(served.length > 1);
  assert.deepEqual(summarizeNodes(served.map(slimNode)), summarizeNodes(served));
  const withMtu = served.map(slimNode).find((n) => n.metadata?.annotations);
  assert.deepEqual(withMtu?.metadata, { name: "worker-2", annotations: { "mcp.platform/mtu": "1400" } });
  const slim = slimNode({
    metadata: { name: "n", annotations: { other: "x" } },
    status: {
      capacity: { cpu: "4", "nvidia.com/gpu": "1" },
      conditions: [
        { type: "MemoryPressure", status: "False" },
        { type: "Ready", status: "True" },
      ],
    },
  });
  assert.deepEqual(slim, {
    metadata: { name: "n" },
    status: {
      capacity: { cpu: "4" },
      allocatable: undefined,
      conditions: [{ type: "Ready", status: "True" }],
    },
  });
});
