import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { isReady, node, type SimTest, startSimTest, status, template, until, workload } from "./testing.ts";

interface DsStatus {
  desiredNumberScheduled: number;
  currentNumberScheduled: number;
  numberMisscheduled: number;
  numberReady: number;
  updatedNumberScheduled?: number;
  numberAvailable?: number;
  numberUnavailable?: number;
  observedGeneration?: number;
}

const ref = { apiVersion: "apps/v1", kind: "DaemonSet", namespace: "default", name: "agent" };
const nodeOf = (p: KubeObject) => (p.spec as { nodeName?: string }).nodeName;

function agent(spec: Record<string, unknown> = {}) {
  return workload("DaemonSet", "agent", {
    selector: { matchLabels: { app: "agent" } },
    template: template({ app: "agent" }),
    ...spec,
  });
}

async function settled(sim: SimTest, desired: number, check: (s: DsStatus) => boolean = () => true) {
  return until(`${desired} daemons ready`, async () => {
    const ds = await sim.client.get(ref);
    const s = status<DsStatus>(ds);
    const ok =
      (s.observedGeneration ?? 0) >= (ds?.metadata.generation ?? 1) &&
      s.desiredNumberScheduled === desired &&
      s.numberAvailable === desired &&
      (s.updatedNumberScheduled ?? 0) === desired;
    return ok && check(s) && s;
  });
}

test("one pod per node, except on a node whose taint the pods do not tolerate", async (t) => {
  const sim = await startSimTest(t, {
    nodes: [
      node("node-1"),
      node("node-2"),
      node("node-3", { taints: [{ key: "dedicated", value: "db", effect: "NoSchedule" }] }),
    ],
  });
  await sim.create(agent());
  const s = await settled(sim, 2);
  assert.deepEqual(s, {
    desiredNumberScheduled: 2,
    currentNumberScheduled: 2,
    numberMisscheduled: 0,
    numberReady: 2,
    updatedNumberScheduled: 2,
    numberAvailable: 2,
    observedGeneration: 1,
  });
  const pods = await sim.pods();
  assert.deepEqual(pods.map(nodeOf).sort(), ["node-1", "node-2"]);
  assert.ok(pods.every(isReady));
  const tolerations = (pods[0].spec as { tolerations: { key: string; effect: string }[] }).tolerations;
  assert.ok(
    tolerations.some((t) => t.key === "node.kubernetes.io/unschedulable" && t.effect === "NoSchedule"),
  );

  // Tolerating the taint brings a pod to node-3 too; a new node gets one as well.
  await sim.client.mutate(ref, (ds) => {
    const spec = ds.spec as { template: { spec: Record<string, unknown> } };
    spec.template.spec.tolerations = [{ key: "dedicated", operator: "Exists" }];
    return ds;
  });
  await settled(sim, 3);
  await sim.create(node("node-4"));
  await settled(sim, 4);
  assert.deepEqual((await sim.pods()).map(nodeOf).sort(), ["node-1", "node-2", "node-3", "node-4"]);
});

test("nodeSelector limits the nodes; cordoned nodes still run daemons", async (t) => {
  const sim = await startSimTest(t, {
    nodes: [
      node("node-1", { labels: { role: "edge" }, unschedulable: true }),
      node("node-2"),
      node("node-3", { labels: { role: "edge" } }),
    ],
  });
  const tpl = template({ app: "agent" }, "nginx:1.25", { nodeSelector: { role: "edge" } });
  await sim.create(agent({ template: tpl }));
  await settled(sim, 2);
  assert.deepEqual((await sim.pods()).map(nodeOf).sort(), ["node-1", "node-3"]);
  // Relabelling a node moves its daemon away.
  await sim.client.mutate({ apiVersion: "v1", kind: "Node", name: "node-3" }, (n) => {
    n.metadata.labels = { ...n.metadata.labels, role: "core" };
    return n;
  });
  await settled(sim, 1);
  await until("daemon removed from node-3", async () =>
    (await sim.pods()).every((p) => nodeOf(p) === "node-1"),
  );
});

test("a template change rolls the daemons over to the new revision", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(agent());
  await settled(sim, 3);
  await sim.client.mutate(ref, (ds) => {
    const spec = ds.spec as { template: { spec: { containers: { image: string }[] } } };
    spec.template.spec.containers[0].image = "nginx:1.26";
    return ds;
  });
  await settled(sim, 3, (s) => s.observedGeneration === 2);
  const pods = await sim.pods();
  assert.equal(pods.length, 3);
  assert.ok(
    pods.every((p) => (p.spec as { containers: { image: string }[] }).containers[0].image === "nginx:1.26"),
  );
  const revisions = await sim.list("apps/v1", "ControllerRevision", "default");
  assert.equal(revisions.length, 2);
});
