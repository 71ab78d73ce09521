// PersistentVolume binding and provisioning (the PV controller plus a provisioner for every
// StorageClass): a Pending claim binds to an Available volume that fits (class, capacity, access
// modes, mode), or, when its class exists — named, or the default class when it names none — gets
// a volume provisioned (pvc-<uid>, capacity from the request, reclaim policy from the class),
// after its first consumer is scheduled for WaitForFirstConsumer classes. Both then read Bound.
// A claim naming a missing class, or pre-bound (volumeName) to a volume that cannot satisfy it,
// stays Pending. A released volume is deleted (Delete) or marked Released (Retain).
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { parseQuantity } from "../quantity.ts";
import { type Controller, type ControllerEnv, create, mutate, newQueue, remove, writeStatus } from "./env.ts";
import { keyOf, now, podSpec, specOf, splitKey, statusOf } from "./objects.ts";

interface ClaimSpec {
  storageClassName?: string;
  volumeName?: string;
  accessModes?: string[];
  volumeMode?: string;
  resources?: { requests?: { storage?: string } };
}

interface VolumeSpec {
  storageClassName?: string;
  accessModes?: string[];
  volumeMode?: string;
  capacity?: { storage?: string };
  claimRef?: { namespace?: string; name?: string; uid?: string };
  persistentVolumeReclaimPolicy?: string;
}

interface StorageClass extends KubeObject {
  provisioner?: string;
  reclaimPolicy?: string;
  volumeBindingMode?: string;
  mountOptions?: string[];
}

const DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
const claimSpec = (pvc: KubeObject) => specOf<ClaimSpec>(pvc);
const volumeSpec = (pv: KubeObject) => specOf<VolumeSpec>(pv);
const phaseOf = (o: KubeObject) => statusOf<{ phase?: string }>(o).phase;

/** Whether `pv` can satisfy `pvc` (checkVolumeSatisfyClaim). */
function satisfies(pv: KubeObject, pvc: KubeObject, className: string): boolean {
  const v = volumeSpec(pv);
  const c = claimSpec(pvc);
  const capacity = parseQuantity(v.capacity?.storage) ?? 0;
  const request = parseQuantity(c.resources?.requests?.storage) ?? 0;
  return (
    capacity >= request &&
    (v.storageClassName ?? "") === className &&
    (v.volumeMode ?? "Filesystem") === (c.volumeMode ?? "Filesystem") &&
    (c.accessModes ?? []).every((m) => (v.accessModes ?? []).includes(m))
  );
}

export function startVolumeController(env: ControllerEnv): Controller {
  const { cache } = env;

  const defaultClass = (): StorageClass | undefined =>
    cache.storageClasses
      .list()
      .filter((sc) => sc.metadata.annotations?.[DEFAULT_CLASS] === "true")
      .sort((a, b) =>
        (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
      )[0];

  const bind = async (pvc: KubeObject, pv: KubeObject, byController: boolean): Promise<void> => {
    const claimRef = {
      kind: "PersistentVolumeClaim",
      namespace: pvc.metadata.namespace,
      name: pvc.metadata.name,
      uid: pvc.metadata.uid,
      apiVersion: "v1",
      resourceVersion: pvc.metadata.resourceVersion,
    };
    const boundPv =
      volumeSpec(pv).claimRef?.uid === pvc.metadata.uid
        ? pv
        : await mutate(env, pv, (cur) => {
            cur.spec = { ...volumeSpec(cur), claimRef };
            cur.metadata.annotations = {
              ...cur.metadata.annotations,
              "pv.kubernetes.io/bound-by-controller": "yes",
            };
            return cur;
          });
    if (!boundPv) return;
    await writeStatus(env, boundPv, {
      ...statusOf<object>(boundPv),
      phase: "Bound",
      lastPhaseTransitionTime: now(),
    });
    const boundPvc = await mutate(env, pvc, (cur) => {
      cur.spec = { ...claimSpec(cur), volumeName: pv.metadata.name };
      cur.metadata.annotations = {
        ...cur.metadata.annotations,
        "pv.kubernetes.io/bind-completed": "yes",
        ...(byController ? { "pv.kubernetes.io/bound-by-controller": "yes" } : {}),
      };
      return cur;
    });
    const v = volumeSpec(boundPv);
    if (boundPvc)
      await writeStatus(env, boundPvc, {
        ...statusOf<object>(boundPvc),
        phase: "Bound",
        accessModes: v.accessModes,
        capacity: v.capacity,
      });
  };

  const provision = async (pvc: KubeObject, sc: StorageClass): Promise<KubeObject> => {
    const c = claimSpec(pvc);
    const name = `pvc-${pvc.metadata.uid}`;
    const pv: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolume",
      metadata: { name, annotations: { "pv.kubernetes.io/provisioned-by": sc.provisioner ?? "" } },
      spec: {
        capacity: { storage: c.resources?.requests?.storage ?? "1Gi" },
        accessModes: c.accessModes ?? ["ReadWriteOnce"],
        persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? "Delete",
        storageClassName: sc.metadata.name,
        volumeMode: c.volumeMode ?? "Filesystem",
        ...(sc.mountOptions ? { mountOptions: sc.mountOptions } : {}),
        csi: { driver: sc.provisioner ?? "", volumeHandle: name, fsType: "ext4" },
      },
    };
    await mutate(env, pvc, (cur) => {
      const a = cur.metadata.annotations ?? {};
      if (a["volume.kubernetes.io/storage-provisioner"] === sc.provisioner) return undefined;
      cur.metadata.annotations = {
        ...a,
        "volume.kubernetes.io/storage-provisioner": sc.provisioner ?? "",
        "volume.beta.kubernetes.io/storage-provisioner": sc.provisioner ?? "",
      };
      return cur;
    });
    try {
      return await create(env, pv);
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
      return (await env.client.get({ apiVersion: "v1", kind: "PersistentVolume", name })) ?? pv;
    }
  };

  const syncClaim = async (pvc: KubeObject): Promise<void> => {
    const key = keyOf(pvc);
    const c = claimSpec(pvc);
    if (c.volumeName) {
      const pv = cache.pvs.get(undefined, c.volumeName);
      const ref = pv && volumeSpec(pv).claimRef;
      const free =
        ref?.uid === pvc.metadata.uid || (!ref?.uid && (!ref?.name || ref.name === pvc.metadata.name));
      if (pv && free && satisfies(pv, pvc, c.storageClassName ?? volumeSpec(pv).storageClassName ?? "")) {
        if (phaseOf(pvc) !== "Bound" || phaseOf(pv) !== "Bound") await bind(pvc, pv, false);
        return;
      }
    } else {
      const sc =
        c.storageClassName === undefined
          ? defaultClass()
          : cache.storageClasses.get(undefined, c.storageClassName);
      const className = c.storageClassName ?? sc?.metadata.name ?? "";
      const available = cache.pvs
        .list()
        .filter(
          (pv) => !volumeSpec(pv).claimRef && phaseOf(pv) !== "Released" && satisfies(pv, pvc, className),
        )
        .sort(
          (a, b) =>
            (parseQuantity(volumeSpec(a).capacity?.storage) ?? 0) -
            (parseQuantity(volumeSpec(b).capacity?.storage) ?? 0),
        );
      if (available[0]) return bind(pvc, available[0], true);
      const consumerScheduled = cache.pods.byIndex("claim", key).some((p) => podSpec(p).nodeName);
      if (sc && ((sc as StorageClass).volumeBindingMode !== "WaitForFirstConsumer" || consumerScheduled))
        return bind(pvc, await provision(pvc, sc as StorageClass), true);
    }
    if (!phaseOf(pvc)) await writeStatus(env, pvc, { ...statusOf<object>(pvc), phase: "Pending" });
  };

  const syncVolume = async (pv: KubeObject): Promise<void> => {
    const v = volumeSpec(pv);
    if (!v.claimRef?.uid) {
      if (!phaseOf(pv) || phaseOf(pv) === "Pending")
        await writeStatus(env, pv, { ...statusOf<object>(pv), phase: "Available" });
      return;
    }
    const claim = cache.pvcs.get(v.claimRef.namespace, v.claimRef.name ?? "");
    if (claim?.metadata.uid === v.claimRef.uid) return;
    // The claim is gone: its volume is released.
    if ((v.persistentVolumeReclaimPolicy ?? "Retain") === "Delete") await remove(env, pv);
    else if (phaseOf(pv) !== "Released")
      await writeStatus(env, pv, { ...statusOf<object>(pv), phase: "Released" });
  };

  const sync = async (key: string): Promise<void> => {
    const [kind, rest] = [key.slice(0, key.indexOf(":")), key.slice(key.indexOf(":") + 1)];
    const { namespace, name } = splitKey(rest);
    if (kind === "pv") {
      const pv = cache.pvs.get(undefined, name);
      if (pv) await syncVolume(pv);
      return;
    }
    const pvc = cache.pvcs.get(namespace, name);
    if (pvc && !pvc.metadata.deletionTimestamp) await syncClaim(pvc);
  };

  const queue = newQueue(env, "volumes", sync);
  const pendingClaims = () => {
    for (const pvc of cache.pvcs.list()) if (phaseOf(pvc) !== "Bound") queue.add(`pvc:${keyOf(pvc)}`);
  };
  cache.pvcs.on((pvc, _old, deleted) => {
    queue.add(`pvc:${keyOf(pvc)}`);
    if (deleted)
      for (const pv of cache.pvs.byIndex("claim", pvc.metadata.uid!)) queue.add(`pv:${pv.metadata.name}`);
  });
  cache.pvs.on((pv, old, deleted) => {
    if (deleted) return;
    queue.add(`pv:${pv.metadata.name}`);
    const ref = volumeSpec(pv).claimRef;
    if (ref?.name) queue.add(`pvc:${ref.namespace}/${ref.name}`);
    if (!ref && (!old || volumeSpec(old).claimRef)) pendingClaims();
  });
  cache.storageClasses.on(pendingClaims);
  cache.pods.on((pod) => {
    if (!podSpec(pod).nodeName) return;
    for (const v of podSpec(pod).volumes ?? [])
      if (v.persistentVolumeClaim)
        queue.add(`pvc:${pod.metadata.namespace}/${v.persistentVolumeClaim.claimName}`);
  });
  return { name: "volumes", queue };
}
