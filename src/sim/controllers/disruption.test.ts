// The disruption controller keeps PodDisruptionBudget status as kube-controller-manager does:
// expected pods from the selector or the controllers' scale, healthy = ready and not about to be
// evicted, disruptions allowed, the DisruptionAllowed condition, and a safe failure.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { now } from "./objects.ts";
import type { PdbStatus } from "./pdb.ts";
import { isReady, type SimTest, startSimTest, status, template, until, workload } from "./testing.ts";

const web = (replicas: number) =>
  workload("Deployment", "web", {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: template({ app: "web" }),
  });

const pdb = (spec: Record<string, unknown>, name = "guard"): KubeObject => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  metadata: { name, namespace: "default" },
  spec: { selector: { matchLabels: { app: "web" } }, ...spec },
});

const pdbRef = (name = "guard") => ({
  apiVersion: "policy/v1",
  kind: "PodDisruptionBudget",
  namespace: "default",
  name,
});

async function settled(sim: SimTest, want: Partial<PdbStatus>, name = "guard"): Promise<PdbStatus> {
  return until(`PDB status ${JSON.stringify(want)}`, async () => {
    const s = status<PdbStatus>(await sim.client.get(pdbRef(name)));
    return (
      Object.entries(want).every(([k, v]) => JSON.stringify(s[k as keyof PdbStatus]) === JSON.stringify(v)) &&
      s
    );
  });
}

async function readyPods(sim: SimTest, n: number) {
  return until(`${n} ready pods`, async () => {
    const pods = await sim.pods();
    return pods.length === n && pods.every(isReady) && pods;
  });
}

test("minAvailable counts the matching pods, and the condition says a disruption is allowed", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web(3));
  await readyPods(sim, 3);
  await sim.create(pdb({ minAvailable: 2 }));
  const s = await settled(sim, {
    expectedPods: 3,
    currentHealthy: 3,
    desiredHealthy: 2,
    disruptionsAllowed: 1,
  });
  assert.equal(s.observedGeneration, 1);
  const c = s.conditions?.find((x) => x.type === "DisruptionAllowed");
  assert.deepEqual(
    { status: c?.status, reason: c?.reason, message: c?.message, observedGeneration: c?.observedGeneration },
    { status: "True", reason: "SufficientPods", message: "", observedGeneration: 1 },
  );
  assert.equal(s.disruptedPods, undefined);

  // Requiring every pod leaves no disruption: the condition turns False.
  await sim.client.mutate(pdbRef(), (p) => ({ ...p, spec: { ...(p.spec as object), minAvailable: 3 } }));
  const tight = await settled(sim, { desiredHealthy: 3, disruptionsAllowed: 0, observedGeneration: 2 });
  assert.equal(tight.conditions?.find((x) => x.type === "DisruptionAllowed")?.reason, "InsufficientPods");
});

test("maxUnavailable and percentages are taken from the Deployment's scale", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web(4));
  await readyPods(sim, 4);
  await sim.create(pdb({ maxUnavailable: "50%" }));
  await settled(sim, { expectedPods: 4, desiredHealthy: 2, currentHealthy: 4, disruptionsAllowed: 2 });
  await sim.create(pdb({ minAvailable: "60%" }, "pct"));
  // 60% of 4, rounded up.
  await settled(sim, { expectedPods: 4, desiredHealthy: 3, disruptionsAllowed: 1 }, "pct");
});

test("a pod approved for eviction does not count as healthy until it is gone", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web(2));
  const pods = await readyPods(sim, 2);
  await sim.create(pdb({ minAvailable: 1 }));
  await settled(sim, { currentHealthy: 2, disruptionsAllowed: 1 });
  // What the eviction subresource writes when it approves an eviction.
  const victim = pods[0].metadata.name!;
  await sim.client.mutate(
    pdbRef(),
    (p) => ({
      ...p,
      status: { ...(p.status as object), disruptionsAllowed: 0, disruptedPods: { [victim]: now() } },
    }),
    { status: true },
  );
  const s = await settled(sim, { currentHealthy: 1, disruptionsAllowed: 0 });
  assert.deepEqual(Object.keys(s.disruptedPods ?? {}), [victim]);
  // Once the pod is gone, its approval is dropped.
  await sim.client.delete({ apiVersion: "v1", kind: "Pod", namespace: "default", name: victim });
  const after = await settled(sim, { disruptedPods: undefined });
  assert.ok(after.currentHealthy >= 1);
});

test("a budget over pods whose controller has no scale fails safe", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(
    workload("DaemonSet", "agent", {
      selector: { matchLabels: { app: "web" } },
      template: template({ app: "web" }),
    }),
  );
  await readyPods(sim, 3);
  await sim.create(pdb({ maxUnavailable: 1 }));
  const s = await settled(sim, { disruptionsAllowed: 0 });
  const c = s.conditions?.find((x) => x.type === "DisruptionAllowed");
  assert.equal(c?.reason, "SyncFailed");
  assert.equal(c?.message, "daemonsets.apps does not implement the scale subresource");
  const warned = await until("event", async () =>
    (await sim.events()).find((e) => (e as { reason?: string }).reason === "CalculateExpectedPodCountFailed"),
  );
  assert.equal(
    (warned as { message?: string }).message,
    "Failed to calculate the number of expected pods: daemonsets.apps does not implement the scale subresource",
  );
});

test("a budget matching no pods allows nothing and says so", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(pdb({ minAvailable: 1 }));
  await settled(sim, { expectedPods: 0, currentHealthy: 0, desiredHealthy: 1, disruptionsAllowed: 0 });
  const e = await until("NoPods", async () =>
    (await sim.events()).find((x) => (x as { reason?: string }).reason === "NoPods"),
  );
  assert.equal((e as { message?: string }).message, "No matching pods found");
  // A resync that changes nothing says nothing again.
  await sim.client.mutate(pdbRef(), (p) => ({
    ...p,
    metadata: { ...p.metadata, labels: { touched: "yes" } },
  }));
  await new Promise((r) => setTimeout(r, 100));
  const noPods = (await sim.events()).filter((x) => (x as { reason?: string }).reason === "NoPods");
  assert.deepEqual(
    noPods.map((x) => (x as { count?: number }).count),
    [1],
  );
});
