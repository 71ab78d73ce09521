import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import {
  container,
  isReady,
  type SimTest,
  startSimTest,
  status,
  template,
  until,
  workload,
} from "./testing.ts";

const ref = { apiVersion: "apps/v1", kind: "ReplicaSet", namespace: "default", name: "cache" };
const rs = (spec: Record<string, unknown> = {}) =>
  workload("ReplicaSet", "cache", {
    replicas: 2,
    selector: { matchLabels: { app: "cache" } },
    template: template({ app: "cache", tier: "backend" }),
    ...spec,
  });

const readyPods = (sim: SimTest, n: number) =>
  until(`${n} ready pods`, async () => {
    const pods = await sim.pods();
    return pods.length === n && pods.every(isReady) && pods;
  });

test("a ReplicaSet replaces deleted pods and reports its counts", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(rs());
  const [first] = await readyPods(sim, 2);
  assert.match(first.metadata.name ?? "", /^cache-[a-z0-9]{5}$/);
  assert.deepEqual(first.metadata.labels, { app: "cache", tier: "backend" });
  await sim.client.delete({
    apiVersion: "v1",
    kind: "Pod",
    namespace: "default",
    name: first.metadata.name!,
  });
  const pods = await readyPods(sim, 2);
  assert.ok(!pods.some((p) => p.metadata.uid === first.metadata.uid));
  const s = await until("status", async () => {
    const st = status<Record<string, number>>(await sim.client.get(ref));
    return st.availableReplicas === 2 && st;
  });
  assert.deepEqual(s, {
    replicas: 2,
    fullyLabeledReplicas: 2,
    readyReplicas: 2,
    availableReplicas: 2,
    observedGeneration: 1,
  });
});

test("a ReplicaSet adopts a matching orphan pod and keeps the count", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(rs());
  await readyPods(sim, 2);
  const stray: KubeObject = {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "stray", namespace: "default", labels: { app: "cache" } },
    spec: { containers: [container()] },
  };
  await sim.create(stray);
  const pods = await readyPods(sim, 2);
  const adopted = await sim.get("v1", "Pod", "stray", "default");
  if (adopted) assert.equal(adopted.metadata.ownerReferences?.[0].name, "cache");
  assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0].kind === "ReplicaSet"));
});

test("minReadySeconds delays availability, not readiness", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(rs({ replicas: 1, minReadySeconds: 2 }));
  await readyPods(sim, 1);
  const early = status<Record<string, number>>(await sim.client.get(ref));
  assert.equal(early.availableReplicas, undefined);
  await until(
    "available",
    async () => status<Record<string, number>>(await sim.client.get(ref)).availableReplicas === 1,
    4000,
  );
});
