// The StatefulSet controller: pods <name>-0 … <name>-(n-1) with stable names, hostnames and
// PersistentVolumeClaims from volumeClaimTemplates. OrderedReady (the default) creates each pod
// only once every lower ordinal is Running and Ready, and removes the highest ordinal first, one
// at a time; Parallel does both at once. RollingUpdate replaces pods from the highest ordinal
// down to the partition, one at a time, each only when the ones above are ready again: a
// partition above 0 leaves the lower pods at the current revision (controller-revision-hash
// labels; currentRevision/updateRevision in the status). Pod and claim creations and deletions
// are reported with stateful_pod_control's events.
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../../apiserver/errors.ts";
import {
  type Controller,
  type ControllerEnv,
  create,
  newQueue,
  recordEvent,
  remove,
  writeStatus,
} from "./env.ts";
import {
  computeHash,
  controllerRef,
  isPodAvailable,
  isPodReady,
  isTerminating,
  keyOf,
  msUntilAvailable,
  omitZero,
  ownerRef,
  podPhase,
  specOf,
  splitKey,
  statusOf,
} from "./objects.ts";
import { podFromTemplate } from "./pods.ts";
import { ensureRevision, pruneRevisions, REVISION_HASH_LABEL, revisionTemplate } from "./revisions.ts";
import type { LabelSelectorSpec, PodTemplate, Volume } from "./types.ts";

const COMPONENT = "statefulset-controller";

interface StatefulSetSpec {
  replicas?: number;
  selector?: LabelSelectorSpec;
  template?: PodTemplate;
  serviceName?: string;
  podManagementPolicy?: string;
  updateStrategy?: { type?: string; rollingUpdate?: { partition?: number } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
  volumeClaimTemplates?: KubeObject[];
  persistentVolumeClaimRetentionPolicy?: { whenDeleted?: string };
}

interface StatefulSetStatus {
  currentRevision?: string;
  updateRevision?: string;
}

const ordinalOf = (sts: KubeObject, pod: KubeObject): number => {
  const m = /-(\d+)$/.exec(pod.metadata.name ?? "");
  return m && pod.metadata.name === `${sts.metadata.name}-${m[1]}` ? Number(m[1]) : -1;
};
const revisionOf = (pod: KubeObject) => pod.metadata.labels?.[REVISION_HASH_LABEL] ?? "";
const healthy = (pod: KubeObject) => podPhase(pod) === "Running" && isPodReady(pod) && !isTerminating(pod);

export function startStatefulSetController(env: ControllerEnv): Controller {
  const { cache } = env;

  const claimName = (sts: KubeObject, claim: KubeObject, ordinal: number) =>
    `${claim.metadata.name}-${sts.metadata.name}-${ordinal}`;

  /** recordPodEvent / recordClaimEvent: "create Pod web-0 in StatefulSet web successful". */
  const report = (sts: KubeObject, verb: "create" | "delete", what: string, ok: string, err?: unknown) =>
    recordEvent(env, sts, COMPONENT, {
      type: err ? "Warning" : "Normal",
      reason: `${err ? "Failed" : "Successful"}${verb === "create" ? "Create" : "Delete"}`,
      message: err
        ? `${verb} ${what} in StatefulSet ${sts.metadata.name} failed error: ${(err as Error).message}`
        : `${verb} ${what} in StatefulSet ${sts.metadata.name} ${ok}`,
    });

  const createPod = async (sts: KubeObject, pod: KubeObject): Promise<KubeObject> => {
    try {
      const out = await create(env, pod);
      report(sts, "create", `Pod ${out.metadata.name}`, "successful");
      return out;
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "AlreadyExists"))
        report(sts, "create", `Pod ${pod.metadata.name}`, "", e);
      throw e;
    }
  };

  const deletePod = async (sts: KubeObject, pod: KubeObject): Promise<void> => {
    try {
      await remove(env, pod);
      report(sts, "delete", `Pod ${pod.metadata.name}`, "successful");
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "NotFound"))
        report(sts, "delete", `Pod ${pod.metadata.name}`, "", e);
      throw e;
    }
  };

  /** Creates the pod's claims that do not exist yet (they outlive the pod, as in Kubernetes). */
  const ensureClaims = async (sts: KubeObject, ordinal: number): Promise<void> => {
    const spec = specOf<StatefulSetSpec>(sts);
    for (const claim of spec.volumeClaimTemplates ?? []) {
      const name = claimName(sts, claim, ordinal);
      if (cache.pvcs.get(sts.metadata.namespace, name)) continue;
      const pvc: KubeObject = {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: {
          name,
          namespace: sts.metadata.namespace,
          labels: { ...claim.metadata?.labels, ...spec.selector?.matchLabels },
          ...(claim.metadata?.annotations ? { annotations: claim.metadata.annotations } : {}),
          ...(spec.persistentVolumeClaimRetentionPolicy?.whenDeleted === "Delete"
            ? { ownerReferences: [ownerRef(sts)] }
            : {}),
        },
        spec: structuredClone(claim.spec ?? {}),
      };
      try {
        await create(env, pvc);
        report(sts, "create", `Claim ${name} Pod ${sts.metadata.name}-${ordinal}`, "success");
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
      }
    }
  };

  const newPod = (sts: KubeObject, ordinal: number, revision: string): KubeObject => {
    const spec = specOf<StatefulSetSpec>(sts);
    const template = revisionTemplate(env, sts, revision) ?? spec.template;
    const name = `${sts.metadata.name}-${ordinal}`;
    const claims: Volume[] = (spec.volumeClaimTemplates ?? []).map((c) => ({
      name: c.metadata.name!,
      persistentVolumeClaim: { claimName: claimName(sts, c, ordinal) },
    }));
    const volumes = [
      ...(template?.spec?.volumes ?? []).filter((v) => !claims.some((c) => c.name === v.name)),
      ...claims,
    ];
    return podFromTemplate({
      owner: sts,
      template,
      name,
      labels: {
        [REVISION_HASH_LABEL]: revision,
        "statefulset.kubernetes.io/pod-name": name,
        "apps.kubernetes.io/pod-index": String(ordinal),
      },
      spec: {
        hostname: name,
        ...(spec.serviceName ? { subdomain: spec.serviceName } : {}),
        ...(volumes.length > 0 ? { volumes } : {}),
      },
    });
  };

  /** One step of pod management; returns when it must wait for a pod to change. */
  const manage = async (sts: KubeObject, pods: Map<number, KubeObject>, current: string, update: string) => {
    const spec = specOf<StatefulSetSpec>(sts);
    const replicas = spec.replicas ?? 1;
    const ordered = (spec.podManagementPolicy ?? "OrderedReady") !== "Parallel";
    const rolling = (spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate";
    const partition = rolling ? (spec.updateStrategy?.rollingUpdate?.partition ?? 0) : 0;
    for (const [ordinal, pod] of pods)
      if (podPhase(pod) === "Failed" && !isTerminating(pod)) {
        await deletePod(sts, pod);
        pods.delete(ordinal);
      }
    for (let ordinal = 0; ordinal < replicas; ordinal++) {
      const pod = pods.get(ordinal);
      if (!pod) {
        await ensureClaims(sts, ordinal);
        const created = await createPod(
          sts,
          newPod(sts, ordinal, rolling && ordinal < partition ? current : update),
        );
        pods.set(ordinal, created);
        if (ordered) return;
      } else if (ordered && !healthy(pod)) return;
    }
    const condemned = [...pods.keys()].filter((o) => o >= replicas).sort((a, b) => b - a);
    if (condemned.length > 0) {
      if (ordered && [...pods.entries()].some(([o, p]) => o < replicas && !healthy(p))) return;
      for (const o of ordered ? condemned.slice(0, 1) : condemned) {
        if (!isTerminating(pods.get(o)!)) await deletePod(sts, pods.get(o)!);
        pods.delete(o);
      }
      return;
    }
    if (!rolling) return;
    for (let ordinal = replicas - 1; ordinal >= partition; ordinal--) {
      const pod = pods.get(ordinal);
      if (!pod) return;
      if (revisionOf(pod) !== update && !isTerminating(pod)) {
        await deletePod(sts, pod);
        pods.delete(ordinal);
        return;
      }
      if (!healthy(pod)) return;
    }
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const sts = cache.statefulSets.get(namespace, name);
    if (!sts || isTerminating(sts)) return;
    const spec = specOf<StatefulSetSpec>(sts);
    const hash = computeHash(spec.template);
    const update = `${name}-${hash}`;
    await ensureRevision(env, sts, spec.template, hash);
    const old = statusOf<StatefulSetStatus>(sts);
    const current =
      old.currentRevision && revisionTemplate(env, sts, old.currentRevision) ? old.currentRevision : update;
    const pods = new Map<number, KubeObject>();
    for (const pod of cache.pods.byIndex("owner", sts.metadata.uid!)) {
      const ordinal = ordinalOf(sts, pod);
      if (ordinal >= 0) pods.set(ordinal, pod);
    }
    await manage(sts, pods, current, update);

    const live = [...pods.values()].filter((p) => !isTerminating(p));
    const replicas = spec.replicas ?? 1;
    const minReady = spec.minReadySeconds ?? 0;
    const ready = live.filter(isPodReady).length;
    const updated = live.filter((p) => revisionOf(p) === update).length;
    const done = updated === live.length && ready === live.length && live.length === replicas;
    const currentRevision = done ? update : current;
    const status = {
      replicas: live.length,
      availableReplicas: live.filter((p) => isPodAvailable(p, minReady)).length,
      ...omitZero({
        observedGeneration: sts.metadata.generation ?? 0,
        readyReplicas: ready,
        currentReplicas: live.filter((p) => revisionOf(p) === currentRevision).length,
        updatedReplicas: updated,
      }),
      currentRevision,
      updateRevision: update,
      collisionCount: 0,
    };
    await writeStatus(env, sts, status);
    await pruneRevisions(
      env,
      sts,
      new Set([currentRevision, update, ...live.map(revisionOf)]),
      spec.revisionHistoryLimit ?? 10,
    );
    const wait = Math.min(...live.map((p) => msUntilAvailable(p, minReady)).filter((ms) => ms > 0));
    if (Number.isFinite(wait)) queue.addAfter(key, wait + 1);
  };

  const queue = newQueue(env, "statefulset", sync);
  cache.statefulSets.on((sts) => queue.add(keyOf(sts)));
  cache.pods.on((pod) => {
    const ref = controllerRef(pod);
    if (ref?.kind === "StatefulSet") queue.add(`${pod.metadata.namespace}/${ref.name}`);
  });
  return { name: "statefulset", queue };
}
