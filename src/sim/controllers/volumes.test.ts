import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { type SimTest, startSimTest, status, until } from "./testing.ts";

const storageClass = (name: string, extra: Record<string, unknown> = {}, isDefault = false): KubeObject => ({
  apiVersion: "storage.k8s.io/v1",
  kind: "StorageClass",
  metadata: {
    name,
    ...(isDefault ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } } : {}),
  },
  provisioner: "rancher.io/local-path",
  ...extra,
});

const claim = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolumeClaim",
  metadata: { name, namespace: "default" },
  spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "5Gi" } }, ...spec },
});

const volume = (name: string, spec: Record<string, unknown>): KubeObject => ({
  apiVersion: "v1",
  kind: "PersistentVolume",
  metadata: { name },
  spec: { accessModes: ["ReadWriteOnce"], hostPath: { path: `/data/${name}` }, ...spec },
});

const getClaim = (sim: SimTest, name: string) => sim.get("v1", "PersistentVolumeClaim", name, "default");
const phase = (o: KubeObject | undefined) => status<{ phase?: string }>(o).phase;
const bound = (sim: SimTest, name: string) =>
  until(`${name} bound`, async () => {
    const c = await getClaim(sim, name);
    return phase(c) === "Bound" && c;
  });

test("a claim of the default class gets a provisioned volume, and both are Bound", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(storageClass("standard", {}, true));
  await sim.create(claim("data"));
  const pvc = await bound(sim, "data");
  const volumeName = (pvc.spec as { volumeName: string }).volumeName;
  assert.equal(volumeName, `pvc-${pvc.metadata.uid}`);
  assert.deepEqual(status(pvc), {
    phase: "Bound",
    accessModes: ["ReadWriteOnce"],
    capacity: { storage: "5Gi" },
  });
  const pv = (await sim.get("v1", "PersistentVolume", volumeName))!;
  const spec = pv.spec as Record<string, unknown>;
  assert.deepEqual(spec.capacity, { storage: "5Gi" });
  assert.deepEqual(spec.accessModes, ["ReadWriteOnce"]);
  assert.equal(spec.storageClassName, "standard");
  assert.equal(spec.persistentVolumeReclaimPolicy, "Delete");
  assert.equal((spec.claimRef as { uid: string }).uid, pvc.metadata.uid);
  assert.equal(phase(pv), "Bound");
  // Deleting the claim deletes a volume whose reclaim policy is Delete.
  await sim.client.delete({
    apiVersion: "v1",
    kind: "PersistentVolumeClaim",
    namespace: "default",
    name: "data",
  });
  await until("volume deleted", async () => !(await sim.get("v1", "PersistentVolume", volumeName)));
});

test("a claim naming a missing class stays Pending until the class appears", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(claim("data", { storageClassName: "fast" }));
  await until("Pending", async () => phase(await getClaim(sim, "data")) === "Pending");
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(phase(await getClaim(sim, "data")), "Pending");
  assert.equal((await sim.list("v1", "PersistentVolume")).length, 0);
  await sim.create(storageClass("fast", { reclaimPolicy: "Retain" }));
  const pvc = await bound(sim, "data");
  const pv = await sim.get("v1", "PersistentVolume", (pvc.spec as { volumeName: string }).volumeName);
  assert.equal(
    (pv?.spec as { persistentVolumeReclaimPolicy?: string } | undefined)?.persistentVolumeReclaimPolicy,
    "Retain",
  );
});

test("a claim pre-bound to a volume too small for it stays Pending; one that fits binds", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(volume("small", { capacity: { storage: "1Gi" } }));
  await sim.create(volume("big", { capacity: { storage: "10Gi" } }));
  await sim.create(claim("wants-small", { volumeName: "small", storageClassName: "" }));
  await sim.create(claim("wants-big", { volumeName: "big", storageClassName: "" }));
  await bound(sim, "wants-big");
  assert.equal(phase(await getClaim(sim, "wants-small")), "Pending");
  assert.equal(phase(await sim.get("v1", "PersistentVolume", "small")), "Available");
  assert.equal(phase(await sim.get("v1", "PersistentVolume", "big")), "Bound");
});

test("without a class a claim binds the smallest Available volume that fits", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(volume("tiny", { capacity: { storage: "1Gi" } }));
  await sim.create(volume("large", { capacity: { storage: "100Gi" } }));
  await sim.create(volume("medium", { capacity: { storage: "8Gi" } }));
  await sim.create(claim("data"));
  const pvc = await bound(sim, "data");
  assert.equal((pvc.spec as { volumeName: string }).volumeName, "medium");
  assert.deepEqual(status<{ capacity: unknown }>(pvc).capacity, { storage: "8Gi" });
});

test("WaitForFirstConsumer provisions once a pod using the claim is scheduled", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(storageClass("local", { volumeBindingMode: "WaitForFirstConsumer" }, true));
  await sim.create(claim("data"));
  await new Promise((r) => setTimeout(r, 30));
  assert.equal(phase(await getClaim(sim, "data")), "Pending");
  await sim.create({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "user", namespace: "default" },
    spec: {
      containers: [{ name: "app", image: "busybox" }],
      volumes: [{ name: "data", persistentVolumeClaim: { claimName: "data" } }],
    },
  });
  await bound(sim, "data");
});
