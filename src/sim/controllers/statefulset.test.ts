import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { isReady, type SimTest, startSimTest, status, template, until, workload } from "./testing.ts";

interface StsStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas?: number;
  currentReplicas?: number;
  updatedReplicas?: number;
  availableReplicas: number;
  currentRevision?: string;
  updateRevision?: string;
}

const ref = { apiVersion: "apps/v1", kind: "StatefulSet", namespace: "default", name: "db" };
const getSts = (sim: SimTest) => sim.client.get(ref);
const revision = (p: KubeObject) => p.metadata.labels?.["controller-revision-hash"];
const image = (p: KubeObject) => (p.spec as { containers: { image: string }[] }).containers[0].image;

function db(spec: Record<string, unknown> = {}) {
  return workload("StatefulSet", "db", {
    replicas: 3,
    serviceName: "db",
    selector: { matchLabels: { app: "db" } },
    template: template({ app: "db" }),
    ...spec,
  });
}

async function settled(sim: SimTest, check: (s: StsStatus) => boolean = () => true): Promise<StsStatus> {
  return until("StatefulSet settled", async () => {
    const sts = await getSts(sim);
    const s = status<StsStatus>(sts);
    const replicas = (sts?.spec as { replicas: number } | undefined)?.replicas ?? -1;
    const done =
      (s.observedGeneration ?? 0) >= (sts?.metadata.generation ?? 1) && s.readyReplicas === replicas;
    return done && check(s) && s;
  });
}

test("OrderedReady creates db-0..db-2 one at a time, each after the previous is Ready", async (t) => {
  const sim = await startSimTest(t, { profile: { podStartDelayMs: 20 } });
  const createdAt = new Map<string, number>();
  const readyAt = new Map<string, number>();
  const informer = sim.client.informer("v1", "Pod", {
    upsert(p) {
      const name = p.metadata.name!;
      if (!createdAt.has(name)) createdAt.set(name, Date.now());
      if (isReady(p) && !readyAt.has(name)) readyAt.set(name, Date.now());
    },
  });
  t.after(() => informer.stop());
  await informer.synced;
  await sim.create(db());
  const s = await settled(sim);
  assert.equal(s.replicas, 3);
  assert.equal(s.availableReplicas, 3);
  assert.equal(s.currentRevision, s.updateRevision);
  assert.equal(s.currentReplicas, 3);
  assert.equal(s.updatedReplicas, 3);
  assert.deepEqual([...createdAt.keys()], ["db-0", "db-1", "db-2"]);
  for (const [prev, next] of [
    ["db-0", "db-1"],
    ["db-1", "db-2"],
  ])
    assert.ok(createdAt.get(next)! >= readyAt.get(prev)!, `${next} created before ${prev} was ready`);
  const pod = (await sim.get("v1", "Pod", "db-1", "default"))!;
  assert.equal(revision(pod), s.updateRevision);
  assert.equal(pod.metadata.labels?.["statefulset.kubernetes.io/pod-name"], "db-1");
  assert.equal(pod.metadata.labels?.["apps.kubernetes.io/pod-index"], "1");
  assert.equal((pod.spec as { hostname: string }).hostname, "db-1");
  assert.equal((pod.spec as { subdomain: string }).subdomain, "db");
  const revisions = await sim.list("apps/v1", "ControllerRevision", "default");
  assert.deepEqual(
    revisions.map((r) => r.metadata.name),
    [s.updateRevision],
  );
});

test("scaling down removes the highest ordinal first", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(db({ replicas: 4 }));
  await settled(sim);
  const deleted: string[] = [];
  const informer = sim.client.informer("v1", "Pod", {
    upsert() {},
    delete(p) {
      deleted.push(p.metadata.name!);
    },
  });
  t.after(() => informer.stop());
  await informer.synced;
  await sim.client.mutate(ref, (o) => ({ ...o, spec: { ...(o.spec as object), replicas: 1 } }));
  await settled(sim, (s) => s.replicas === 1);
  assert.deepEqual(deleted, ["db-3", "db-2", "db-1"]);
});

test("a rolling update with a partition leaves the pods below it at the old revision", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(db({ updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } }));
  const before = await settled(sim);
  await sim.client.mutate(ref, (o) => {
    (
      o.spec as { template: { spec: { containers: { image: string }[] } } }
    ).template.spec.containers[0].image = "nginx:1.26";
    return o;
  });
  const s = await settled(sim, (s) => s.updatedReplicas === 1);
  assert.notEqual(s.updateRevision, before.updateRevision);
  assert.equal(s.currentRevision, before.currentRevision, "the partition blocks the rollout");
  assert.equal(s.currentReplicas, 2);
  const pods = new Map((await sim.pods()).map((p) => [p.metadata.name!, p]));
  assert.equal(image(pods.get("db-2")!), "nginx:1.26");
  assert.equal(revision(pods.get("db-2")!), s.updateRevision);
  for (const name of ["db-0", "db-1"]) {
    assert.equal(image(pods.get(name)!), "nginx:1.25");
    assert.equal(revision(pods.get(name)!), before.currentRevision);
  }
  // A pod below the partition that is deleted comes back at the current (old) revision.
  await sim.client.delete({ apiVersion: "v1", kind: "Pod", namespace: "default", name: "db-0" });
  const back = await until("db-0 recreated", async () => {
    const p = await sim.get("v1", "Pod", "db-0", "default");
    return p && p.metadata.uid !== pods.get("db-0")!.metadata.uid && p;
  });
  assert.equal(image(back), "nginx:1.25");
  // Lowering the partition finishes the rollout.
  await sim.client.mutate(ref, (o) => {
    (
      o.spec as { updateStrategy: { rollingUpdate: { partition: number } } }
    ).updateStrategy.rollingUpdate.partition = 0;
    return o;
  });
  const done = await settled(sim, (s) => s.updatedReplicas === 3 && s.currentRevision === s.updateRevision);
  assert.equal(done.currentReplicas, 3);
  assert.ok((await sim.pods()).every((p) => image(p) === "nginx:1.26"));
});

test("volumeClaimTemplates give each pod its own bound claim", async (t) => {
  const sim = await startSimTest(t);
  await sim.create({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "rancher.io/local-path",
  } as KubeObject);
  const claim = {
    metadata: { name: "data" },
    spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
  };
  await sim.create(db({ replicas: 2, volumeClaimTemplates: [claim] }));
  await settled(sim);
  const pvcs = await until("claims bound", async () => {
    const list = await sim.list("v1", "PersistentVolumeClaim", "default");
    return list.length === 2 && list.every((c) => status<{ phase?: string }>(c).phase === "Bound") && list;
  });
  assert.deepEqual(pvcs.map((c) => c.metadata.name).sort(), ["data-db-0", "data-db-1"]);
  const pod = (await sim.get("v1", "Pod", "db-1", "default"))!;
  assert.deepEqual((pod.spec as { volumes: unknown[] }).volumes, [
    { name: "data", persistentVolumeClaim: { claimName: "data-db-1" } },
  ]);
});
