import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { nowRfc3339 } from "../../apiserver/handlers/prepare.ts";
import { isReady, type SimTest, startSimTest, status, template, until, workload } from "./testing.ts";

interface DStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
  conditions?: { type: string; status: string; reason?: string; message?: string }[];
}

/** kubectl's DeploymentStatusViewer (pkg/polymorphichelpers/rollout_status.go). */
function rolloutDone(d: KubeObject | undefined): boolean {
  if (!d) return false;
  const s = status<DStatus>(d);
  const replicas = (d.spec as { replicas?: number }).replicas;
  if ((d.metadata.generation ?? 0) > (s.observedGeneration ?? 0)) return false;
  if (s.conditions?.find((c) => c.type === "Progressing")?.reason === "ProgressDeadlineExceeded")
    throw new Error("progress deadline exceeded");
  if (replicas !== undefined && (s.updatedReplicas ?? 0) < replicas) return false;
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return false;
  return (s.availableReplicas ?? 0) >= (s.updatedReplicas ?? 0);
}

const web = (spec: Record<string, unknown> = {}) =>
  workload("Deployment", "web", {
    replicas: 3,
    selector: { matchLabels: { app: "web" } },
    template: template({ app: "web" }),
    ...spec,
  });

const getD = (sim: SimTest) => sim.get("apps/v1", "Deployment", "web", "default");
const replicaSets = (sim: SimTest) => sim.list("apps/v1", "ReplicaSet", "default");
const image = (o: KubeObject) =>
  (o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0].image;

async function rolledOut(sim: SimTest): Promise<KubeObject> {
  return until("rollout complete", async () => {
    const d = await getD(sim);
    return rolloutDone(d) && d;
  });
}

async function setImage(sim: SimTest, img: string): Promise<void> {
  await sim.client.mutate(
    { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
    (d) => {
      (
        d.spec as { template: { spec: { containers: { image: string }[] } } }
      ).template.spec.containers[0].image = img;
      return d;
    },
  );
}

test("a Deployment of 3 gets a ReplicaSet and 3 Ready pods, and reports a complete rollout", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web());
  const d = await rolledOut(sim);
  const s = status<DStatus>(d);
  assert.deepEqual(
    [s.replicas, s.updatedReplicas, s.readyReplicas, s.availableReplicas, s.unavailableReplicas],
    [3, 3, 3, 3, undefined],
  );
  assert.equal(d.metadata.annotations?.["deployment.kubernetes.io/revision"], "1");
  const cond = (type: string) => s.conditions?.find((c) => c.type === type);
  assert.equal(cond("Available")?.status, "True");
  assert.equal(cond("Progressing")?.reason, "NewReplicaSetAvailable");
  const [rs] = await replicaSets(sim);
  const hash = rs.metadata.labels?.["pod-template-hash"];
  assert.match(hash ?? "", /^[bcdfghjklmnpqrstvwxz2456789]{6,10}$/);
  assert.equal(rs.metadata.name, `web-${hash}`);
  assert.equal(rs.metadata.annotations?.["deployment.kubernetes.io/revision"], "1");
  assert.deepEqual((rs.spec as { selector: unknown }).selector, {
    matchLabels: { app: "web", "pod-template-hash": hash },
  });
  assert.deepEqual(status(rs), {
    replicas: 3,
    fullyLabeledReplicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    observedGeneration: 1,
  });
  const pods = await sim.pods();
  assert.equal(pods.length, 3);
  assert.ok(pods.every(isReady));
  assert.ok(pods.every((p) => p.metadata.name?.startsWith(`web-${hash}-`)));
  assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0].uid === rs.metadata.uid));
});

/** Rolls a new image out, checking every pod state the cluster passes through. */
async function rollWatched(t: TestCtx, replicas: number, strategy?: object) {
  const sim = await startSimTest(t, { profile: { podStartDelayMs: 20 } });
  await sim.create(web({ replicas, ...(strategy ? { strategy } : {}) }));
  await rolledOut(sim);
  const pods = new Map<string, KubeObject>();
  let minAvailable = Number.POSITIVE_INFINITY;
  let maxTotal = 0;
  let listed = false;
  const check = () => {
    if (!listed) return;
    minAvailable = Math.min(minAvailable, [...pods.values()].filter(isReady).length);
    maxTotal = Math.max(maxTotal, pods.size);
  };
  const informer = sim.client.informer("v1", "Pod", {
    upsert(p) {
      pods.set(p.metadata.name!, p);
      check();
    },
    delete(p) {
      pods.delete(p.metadata.name!);
      check();
    },
  });
  t.after(() => informer.stop());
  await informer.synced;
  listed = true;
  await setImage(sim, "nginx:1.26");
  const d = await rolledOut(sim);
  await until("the informer saw the end", () => [...pods.values()].every((p) => image2(p) === "nginx:1.26"));
  return { sim, d, minAvailable, maxTotal };
}

type TestCtx = Parameters<typeof startSimTest>[0];

test("set image rolls out a new ReplicaSet within maxSurge/maxUnavailable and keeps the old one at 0", async (t) => {
  const strategy = { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } };
  const { sim, d, minAvailable, maxTotal } = await rollWatched(t, 4, strategy);
  assert.ok(minAvailable >= 3, `available pods dropped to ${minAvailable} (replicas 4, maxUnavailable 1)`);
  assert.equal(maxTotal, 5, "replicas 4 + maxSurge 1 pods at most, and the surge was used");
  assert.equal(d.metadata.annotations?.["deployment.kubernetes.io/revision"], "2");
  const rss = await replicaSets(sim);
  assert.equal(rss.length, 2);
  const [oldRS, newRS] = rss.sort((a, b) => revision(a) - revision(b));
  assert.equal(revision(newRS), 2);
  assert.equal((oldRS.spec as { replicas: number }).replicas, 0);
  assert.equal(image(newRS), "nginx:1.26");
  const final = await sim.pods();
  assert.equal(final.length, 4);
  assert.ok(
    final.every(
      (p) => p.metadata.labels?.["pod-template-hash"] === newRS.metadata.labels?.["pod-template-hash"],
    ),
  );
});

test("the default strategy (25%/25%, no defaulting) and maxSurge 0 keep their bounds", async (t) => {
  const dflt = await rollWatched(t, 10);
  assert.ok(
    dflt.minAvailable >= 8,
    `available pods dropped to ${dflt.minAvailable} (10 replicas, 25% unavailable)`,
  );
  assert.ok(dflt.maxTotal <= 13, `${dflt.maxTotal} pods at once (10 replicas, 25% surge)`);
  const noSurge = await rollWatched(t, 3, {
    type: "RollingUpdate",
    rollingUpdate: { maxSurge: 0, maxUnavailable: 1 },
  });
  assert.ok(noSurge.minAvailable >= 2, `available pods dropped to ${noSurge.minAvailable}`);
  assert.equal(noSurge.maxTotal, 3);
});

const image2 = (p: KubeObject) => (p.spec as { containers: { image: string }[] }).containers[0].image;
const revision = (o: KubeObject) => Number(o.metadata.annotations?.["deployment.kubernetes.io/revision"]);

test("rolling back to an old template reuses its ReplicaSet with the next revision", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web({ replicas: 2 }));
  await rolledOut(sim);
  await setImage(sim, "nginx:1.26");
  await rolledOut(sim);
  await setImage(sim, "nginx:1.25");
  const d = await rolledOut(sim);
  const rss = await replicaSets(sim);
  assert.equal(rss.length, 2);
  const current = rss.find((rs) => image(rs) === "nginx:1.25")!;
  assert.equal(revision(current), 3);
  assert.equal(d.metadata.annotations?.["deployment.kubernetes.io/revision"], "3");
});

test("scaling up and down changes the ReplicaSet and the pods", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web({ replicas: 2 }));
  await rolledOut(sim);
  const scale = (n: number) =>
    sim.client.mutate(
      { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
      (d) => {
        (d.spec as { replicas: number }).replicas = n;
        return d;
      },
    );
  await scale(5);
  await until("5 ready pods", async () => (await sim.pods()).filter(isReady).length === 5);
  assert.equal(status<DStatus>(await rolledOut(sim)).availableReplicas, 5);
  await scale(1);
  await until("1 pod", async () => (await sim.pods()).length === 1);
  const d = await rolledOut(sim);
  assert.equal(status<DStatus>(d).replicas, 1);
  assert.equal((await replicaSets(sim)).length, 1);
});

test("the Recreate strategy never runs old and new pods together", async (t) => {
  const sim = await startSimTest(t, { profile: { podStartDelayMs: 10 } });
  await sim.create(web({ strategy: { type: "Recreate" } }));
  await rolledOut(sim);
  const images = new Set<string>();
  let mixed = false;
  const pods = new Map<string, string>();
  const informer = sim.client.informer("v1", "Pod", {
    upsert(p) {
      pods.set(p.metadata.name!, image2(p));
      images.clear();
      for (const i of pods.values()) images.add(i);
      if (images.size > 1) mixed = true;
    },
    delete(p) {
      pods.delete(p.metadata.name!);
    },
  });
  t.after(() => informer.stop());
  await informer.synced;
  await setImage(sim, "nginx:1.26");
  await rolledOut(sim);
  assert.equal(mixed, false);
  assert.ok((await sim.pods()).every((p) => image2(p) === "nginx:1.26"));
});

test("a rollout that cannot progress reports ProgressDeadlineExceeded", async (t) => {
  const sim = await startSimTest(t);
  const huge = template({ app: "web" });
  (huge.spec.containers[0] as Record<string, unknown>).resources = { requests: { cpu: "64" } };
  await sim.create(web({ replicas: 1, progressDeadlineSeconds: 1, template: huge }));
  const d = await until(
    "deadline exceeded",
    async () => {
      const d = await getD(sim);
      const c = status<DStatus>(d).conditions?.find((c) => c.type === "Progressing");
      return c?.reason === "ProgressDeadlineExceeded" && d;
    },
    6000,
  );
  const s = status<DStatus>(d);
  assert.equal(s.conditions?.find((c) => c.type === "Progressing")?.status, "False");
  assert.equal(s.unavailableReplicas, 1);
  assert.throws(() => rolloutDone(d), /progress deadline/);
});

const dRef = { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" };

/** What DELETE with a propagationPolicy does to the object (handlers/delete.ts). */
async function deleteWith(sim: SimTest, finalizer: string): Promise<void> {
  const rt = sim.client.type("apps/v1", "Deployment");
  const live = (await sim.client.get(dRef))!;
  live.metadata.finalizers = [finalizer];
  live.metadata.deletionTimestamp = nowRfc3339();
  await sim.client.objects.update(rt, live, Number(live.metadata.resourceVersion));
}

test("deleting a Deployment deletes its ReplicaSets and pods (background and foreground)", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web());
  await rolledOut(sim);
  await sim.client.delete(dRef);
  await until("ReplicaSets deleted", async () => (await replicaSets(sim)).length === 0);
  await until("pods deleted", async () => (await sim.pods()).length === 0);

  await sim.create(web());
  await rolledOut(sim);
  await deleteWith(sim, "foregroundDeletion");
  await until("everything deleted", async () => !(await getD(sim)) && (await sim.pods()).length === 0);
  assert.equal((await replicaSets(sim)).length, 0);
});

test("orphan deletion keeps the ReplicaSet and its pods, without the owner reference", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web());
  await rolledOut(sim);
  await deleteWith(sim, "orphan");
  await until("Deployment gone", async () => !(await getD(sim)));
  const [rs] = await replicaSets(sim);
  assert.equal(rs.metadata.ownerReferences, undefined);
  const pods = await sim.pods();
  assert.equal(pods.length, 3);
  assert.ok(pods.every((p) => p.metadata.ownerReferences?.[0].uid === rs.metadata.uid));
  // The ReplicaSet keeps running on its own.
  await new Promise((r) => setTimeout(r, 50));
  assert.equal((await sim.pods()).length, 3);
});

test("re-creating an orphaning Deployment adopts its ReplicaSet instead of starting over", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web());
  await rolledOut(sim);
  const before = new Set((await sim.pods()).map((p) => p.metadata.uid));
  await deleteWith(sim, "orphan");
  await until("Deployment gone", async () => !(await getD(sim)));
  await sim.create(web());
  const d = await rolledOut(sim);
  const [rs] = await replicaSets(sim);
  assert.equal(rs.metadata.ownerReferences?.[0].uid, d.metadata.uid);
  assert.equal((await replicaSets(sim)).length, 1);
  assert.deepEqual(
    new Set((await sim.pods()).map((p) => p.metadata.uid)),
    before,
    "the same pods kept running",
  );
});

test("old ReplicaSets beyond revisionHistoryLimit are deleted", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web({ replicas: 1, revisionHistoryLimit: 1 }));
  for (const tag of ["1.26", "1.27", "1.28"]) {
    await rolledOut(sim);
    await setImage(sim, `nginx:${tag}`);
  }
  await rolledOut(sim);
  const rss = await until("history trimmed", async () => {
    const list = await replicaSets(sim);
    return list.length === 2 && list;
  });
  assert.deepEqual(rss.map(revision).sort(), [3, 4]);
});
