import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { container, isReady, node, type SimTest, startSimTest, until } from "./testing.ts";

function pod(
  name: string,
  spec: Record<string, unknown> = {},
  requests?: Record<string, string>,
): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default" },
    spec: { containers: [container("nginx", requests)], ...spec },
  };
}

const getPod = (sim: SimTest, name: string) => sim.get("v1", "Pod", name, "default");
const nodeOf = async (sim: SimTest, name: string) =>
  until(
    `${name} bound`,
    async () => (((await getPod(sim, name))?.spec ?? {}) as { nodeName?: string }).nodeName,
  );

type Cond = { type: string; status: string; reason?: string; message?: string };
async function unschedulable(sim: SimTest, name: string): Promise<Cond> {
  return until(`${name} unschedulable`, async () => {
    const p = await getPod(sim, name);
    return (((p?.status ?? {}) as { conditions?: Cond[] }).conditions ?? []).find(
      (c) => c.type === "PodScheduled" && c.status === "False",
    );
  });
}

test("a pod that fits nowhere stays Pending with Kubernetes' Unschedulable message", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(pod("big", {}, { cpu: "8" }));
  const c = await unschedulable(sim, "big");
  assert.equal(c.reason, "Unschedulable");
  assert.equal(c.message, "0/3 nodes are available: 3 Insufficient cpu.");
  const p = await getPod(sim, "big");
  assert.equal((p?.status as { phase?: string } | undefined)?.phase, "Pending");
  assert.equal((p?.spec as { nodeName?: string } | undefined)?.nodeName, undefined);
});

const ssd = { disk: "ssd" };

test("reasons are counted per node, like kube-scheduler's FitError", async (t) => {
  const sim = await startSimTest(t, {
    nodes: [
      node("node-1", { labels: ssd, taints: [{ key: "dedicated", value: "infra", effect: "NoSchedule" }] }),
      node("node-2", { labels: ssd, unschedulable: true }),
      node("node-3", { labels: ssd, cpu: "1", memory: "1Gi" }),
      node("node-4", { labels: ssd, ready: "False" }),
      node("node-5", { labels: { disk: "hdd" } }),
    ],
  });
  await sim.create(pod("p", { nodeSelector: ssd }, { cpu: "2", memory: "2Gi" }));
  const c = await unschedulable(sim, "p");
  assert.equal(
    c.message,
    "0/5 nodes are available: 1 Insufficient cpu, 1 Insufficient memory, 1 node(s) didn't match Pod's node affinity/selector, " +
      "1 node(s) had untolerated taint {dedicated: infra}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, " +
      "1 node(s) were unschedulable.",
  );
});

test("nodeSelector, node affinity and tolerations decide where pods go", async (t) => {
  const sim = await startSimTest(t, {
    nodes: [
      node("node-1", { labels: { zone: "a" } }),
      node("node-2", { labels: { zone: "b", gpu: "true" }, taints: [{ key: "gpu", effect: "NoSchedule" }] }),
      node("node-3", { labels: { zone: "c" } }),
    ],
  });
  await sim.create(pod("by-selector", { nodeSelector: { zone: "c" } }));
  const affinity = {
    nodeAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [{ matchExpressions: [{ key: "zone", operator: "NotIn", values: ["a", "c"] }] }],
      },
    },
  };
  await sim.create(
    pod("tolerating", { affinity, tolerations: [{ key: "gpu", operator: "Exists", effect: "NoSchedule" }] }),
  );
  await sim.create(pod("not-tolerating", { affinity }));
  assert.equal(await nodeOf(sim, "by-selector"), "node-3");
  assert.equal(await nodeOf(sim, "tolerating"), "node-2");
  const c = await unschedulable(sim, "not-tolerating");
  assert.match(
    c.message ?? "",
    /^0\/3 nodes are available: 1 node\(s\) had untolerated taint \{gpu: \}, 2 node\(s\) didn't match/,
  );
});

test("requests count against allocatable; a pending pod schedules when room frees up", async (t) => {
  const sim = await startSimTest(t, { nodes: [node("node-1", { cpu: "4", pods: 10 })] });
  await sim.create(pod("first", {}, { cpu: "3" }));
  await nodeOf(sim, "first");
  await sim.create(pod("second", {}, { cpu: "2" }));
  assert.equal((await unschedulable(sim, "second")).message, "0/1 nodes are available: 1 Insufficient cpu.");
  await sim.client.delete({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "first" });
  assert.equal(await nodeOf(sim, "second"), "node-1");
  await until("second running", async () => isReady((await getPod(sim, "second"))!));
});

test("a node becoming schedulable again lets waiting pods in; pods spread over nodes", async (t) => {
  const sim = await startSimTest(t, {
    nodes: [node("node-1", { unschedulable: true }), node("node-2", { ready: "Unknown" })],
  });
  await sim.create(pod("waiting"));
  const c = await unschedulable(sim, "waiting");
  assert.equal(
    c.message,
    "0/2 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/unreachable: }, 1 node(s) were unschedulable.",
  );
  await sim.client.mutate({ apiVersion: "v1", kind: "Node", name: "node-1" }, (n) => ({ ...n, spec: {} }));
  assert.equal(await nodeOf(sim, "waiting"), "node-1");
  await sim.client.mutate(
    { apiVersion: "v1", kind: "Node", name: "node-2" },
    (n) => {
      (n.status as { conditions: { status: string }[] }).conditions[0].status = "True";
      return n;
    },
    { status: true },
  );
  // Once node-2 takes a pod, the scheduler has seen it Ready.
  await sim.create(pod("pinned", { nodeSelector: { "kubernetes.io/hostname": "node-2" } }));
  await nodeOf(sim, "pinned");
  for (const name of ["a", "b", "c"]) await sim.create(pod(name));
  const nodes = await Promise.all(["a", "b", "c"].map((n) => nodeOf(sim, n)));
  assert.ok(nodes.includes("node-2"), `pods spread: ${nodes}`);
});
