// The ReplicaSet controller: keeps spec.replicas active pods (created from the template with an
// owner reference; the least established deleted first when there are too many) and reports
// replicas, fullyLabeledReplicas, readyReplicas, availableReplicas and observedGeneration,
// recording SuccessfulCreate / SuccessfulDelete events for the pods it creates and deletes.
// A ReplicaSet being deleted creates nothing: the garbage collector owns its pods then.
import type { KubeObject } from "../../apis/meta/types.ts";
import {
  adopt,
  type Controller,
  type ControllerEnv,
  createPod,
  deletePod,
  newQueue,
  writeStatus,
} from "./env.ts";
import {
  controllerRef,
  isPodActive,
  isPodAvailable,
  isPodReady,
  isTerminating,
  keyOf,
  labelsOf,
  msUntilAvailable,
  omitZero,
  selects,
  specOf,
  splitKey,
} from "./objects.ts";
import { deletionOrder, podFromTemplate } from "./pods.ts";
import type { LabelSelectorSpec, PodTemplate } from "./types.ts";

const COMPONENT = "replicaset-controller";

interface ReplicaSetSpec {
  replicas?: number;
  selector?: LabelSelectorSpec;
  minReadySeconds?: number;
  template?: PodTemplate;
}

/** Active pods a controller owns (by uid), from the cache. */
export function ownedPods(env: ControllerEnv, owner: KubeObject): KubeObject[] {
  return env.cache.pods.byIndex("owner", owner.metadata.uid!).filter(isPodActive);
}

export function startReplicaSetController(env: ControllerEnv): Controller {
  const { cache } = env;

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const rs = cache.replicaSets.get(namespace, name);
    if (!rs) return;
    const spec = specOf<ReplicaSetSpec>(rs);
    const replicas = spec.replicas ?? 1;
    if (!isTerminating(rs))
      for (const orphan of cache.pods.byIndex("orphan", namespace ?? ""))
        if (isPodActive(orphan) && selects(spec.selector, orphan)) await adopt(env, rs, orphan);
    let pods = ownedPods(env, rs);
    if (!isTerminating(rs)) {
      if (pods.length < replicas)
        for (let i = pods.length; i < replicas; i++)
          await createPod(env, rs, podFromTemplate({ owner: rs, template: spec.template }), COMPONENT);
      else if (pods.length > replicas)
        for (const pod of deletionOrder(pods).slice(0, pods.length - replicas))
          await deletePod(env, rs, pod, COMPONENT);
      pods = ownedPods(env, rs);
    }
    const minReady = spec.minReadySeconds ?? 0;
    const templateLabels = Object.entries(spec.template?.metadata?.labels ?? {});
    const status = {
      replicas: pods.length,
      ...omitZero({
        fullyLabeledReplicas: pods.filter((p) => templateLabels.every(([k, v]) => labelsOf(p)[k] === v))
          .length,
        readyReplicas: pods.filter(isPodReady).length,
        availableReplicas: pods.filter((p) => isPodAvailable(p, minReady)).length,
        observedGeneration: rs.metadata.generation ?? 0,
      }),
    };
    await writeStatus(env, rs, status);
    // Pods ready but not yet for minReadySeconds become available without any event.
    const wait = Math.min(...pods.map((p) => msUntilAvailable(p, minReady)).filter((ms) => ms > 0));
    if (Number.isFinite(wait)) queue.addAfter(key, wait + 1);
  };

  const queue = newQueue(env, "replicaset", sync);
  cache.replicaSets.on((rs) => queue.add(keyOf(rs)));
  cache.pods.on((pod, old) => {
    for (const p of old && old !== pod ? [pod, old] : [pod]) {
      const ref = controllerRef(p);
      if (ref?.kind === "ReplicaSet") queue.add(`${p.metadata.namespace}/${ref.name}`);
    }
    // An orphan is offered to every ReplicaSet whose selector matches it.
    if (!controllerRef(pod) && isPodActive(pod))
      for (const rs of cache.replicaSets.list(pod.metadata.namespace))
        if (selects(specOf<ReplicaSetSpec>(rs).selector, pod)) queue.add(keyOf(rs));
  });
  return { name: "replicaset", queue };
}
