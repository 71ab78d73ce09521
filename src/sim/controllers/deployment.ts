// The Deployment controller, following Kubernetes' (sync.go, rolling.go, recreate.go): one
// ReplicaSet per pod template, named <deployment>-<pod-template-hash> with that label and the
// deployment.kubernetes.io/revision annotation; RollingUpdate grows the new ReplicaSet within
// maxSurge and shrinks old ones only while at least replicas-maxUnavailable pods stay available;
// Recreate empties the old ReplicaSets before the new one starts. Old ReplicaSets stay at 0 up
// to revisionHistoryLimit (for `kubectl rollout undo`). The status and the Available/Progressing
// conditions are exactly what `kubectl rollout status` reads; every change of a ReplicaSet's size
// is a ScalingReplicaSet event, as `kubectl describe deployment` shows.
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../../apiserver/errors.ts";
import {
  adopt,
  type Controller,
  type ControllerEnv,
  create,
  mutate,
  newQueue,
  recordEvent,
  remove,
  writeStatus,
} from "./env.ts";
import {
  computeHash,
  controllerRef,
  isTerminating,
  keyOf,
  ownerRef,
  refOf,
  selects,
  specOf,
  splitKey,
  stableStringify,
  statusOf,
  templateWithout,
} from "./objects.ts";
import { ownedPods } from "./replicaset.ts";
import {
  DESIRED_REPLICAS,
  type DeploymentStatus,
  deploymentSpec,
  desiredReplicas,
  fenceposts,
  HASH_LABEL,
  isComplete,
  isRecreate,
  MAX_REPLICAS,
  maxUnavailable,
  newRSNewReplicas,
  REVISION,
  revisionOf,
  rolloutStatus,
  rsReplicas,
  specReplicas,
} from "./rollout.ts";
import type { PodTemplate } from "./types.ts";

const COMPONENT = "deployment-controller";

/** Deployment annotations that are not copied to its ReplicaSets. */
const NOT_COPIED = new Set([
  "kubectl.kubernetes.io/last-applied-configuration",
  REVISION,
  "deployment.kubernetes.io/revision-history",
  DESIRED_REPLICAS,
  MAX_REPLICAS,
]);

const templateKey = (t: PodTemplate | undefined) => stableStringify(templateWithout(t, HASH_LABEL));
/** Template keys by uid and generation (a template only changes with the generation). */
const keys = new Map<string, string>();
const keyOfTemplate = (o: KubeObject): string => {
  const id = `${o.metadata.uid}/${o.metadata.generation}`;
  let k = keys.get(id);
  if (k === undefined) {
    k = templateKey(specOf<{ template?: PodTemplate }>(o).template);
    keys.set(id, k);
    // Bounded: the oldest entries go first (Maps iterate in insertion order).
    if (keys.size > 10_000) keys.delete(keys.keys().next().value!);
  }
  return k;
};
const rsStatus = (rs: KubeObject) => statusOf<{ replicas?: number; availableReplicas?: number }>(rs);
/** Availability counted no higher than spec.replicas: a ReplicaSet just scaled down is about to lose pods. */
const safeAvailable = (rss: KubeObject[]) =>
  rss.reduce((n, rs) => n + Math.min(rsStatus(rs).availableReplicas ?? 0, rsReplicas(rs)), 0);
const byAge = (a: KubeObject, b: KubeObject) =>
  (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? "") ||
  (a.metadata.name ?? "").localeCompare(b.metadata.name ?? "");

export function startDeploymentController(env: ControllerEnv): Controller {
  const { cache } = env;
  const owned = (d: KubeObject) =>
    cache.replicaSets
      .byIndex("owner", d.metadata.uid!)
      .filter((rs) => !isTerminating(rs))
      .sort(byAge);
  const fresh = (rs: KubeObject) => cache.replicaSets.get(rs.metadata.namespace, rs.metadata.name!) ?? rs;

  const annotate = (d: KubeObject, rs: KubeObject, revision?: string): Record<string, string> => {
    const a: Record<string, string> = {};
    for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (!NOT_COPIED.has(k)) a[k] = v;
    return {
      ...rs.metadata.annotations,
      ...a,
      [REVISION]: revision ?? String(revisionOf(rs)),
      [DESIRED_REPLICAS]: String(desiredReplicas(d)),
      [MAX_REPLICAS]: String(desiredReplicas(d) + fenceposts(d)[0]),
    };
  };

  /**
   * Scales a ReplicaSet (and refreshes its desired/max annotations); true if replicas changed.
   * A change of size is reported as the controller's ScalingReplicaSet event.
   */
  const scale = async (d: KubeObject, rs: KubeObject, replicas: number): Promise<boolean> => {
    const annotations = annotate(d, rs);
    const from = rsReplicas(rs);
    if (from === replicas && stableStringify(annotations) === stableStringify(rs.metadata.annotations))
      return false;
    const written = await mutate(env, rs, (cur) => {
      cur.spec = { ...specOf<object>(cur), replicas };
      cur.metadata.annotations = annotate(d, cur);
      return cur;
    });
    if (from === replicas) return false;
    if (written) scaled(d, rs.metadata.name!, from, replicas);
    return true;
  };

  const scaled = (d: KubeObject, rs: string, from: number, to: number) =>
    recordEvent(env, d, COMPONENT, {
      reason: "ScalingReplicaSet",
      message: `Scaled ${to > from ? "up" : "down"} replica set ${rs} from ${from} to ${to}`,
    });

  const syncRevision = async (d: KubeObject, revision: string): Promise<void> => {
    if (d.metadata.annotations?.[REVISION] === revision) return;
    await mutate(env, d, (cur) => {
      cur.metadata.annotations = { ...cur.metadata.annotations, [REVISION]: revision };
      return cur;
    });
  };

  /** getNewReplicaSet: the ReplicaSet of the current template, revision bumped; created if asked. */
  const newReplicaSet = async (
    d: KubeObject,
    existing: KubeObject | undefined,
    old: KubeObject[],
    createIfMissing: boolean,
  ): Promise<KubeObject | undefined> => {
    const revision = String(Math.max(0, ...old.map(revisionOf)) + 1);
    if (existing) {
      let rs = existing;
      if (revisionOf(existing) < Number(revision))
        rs =
          (await mutate(env, existing, (cur) => {
            cur.metadata.annotations = annotate(d, cur, revision);
            return cur;
          })) ?? existing;
      await syncRevision(d, String(revisionOf(rs)));
      return rs;
    }
    if (!createIfMissing) return undefined;
    const spec = deploymentSpec(d);
    const collisions = statusOf<DeploymentStatus>(d).collisionCount ?? 0;
    const hash = computeHash(templateWithout(spec.template, HASH_LABEL), collisions);
    const template = structuredClone(spec.template ?? {});
    template.metadata = {
      ...template.metadata,
      labels: { ...template.metadata?.labels, [HASH_LABEL]: hash },
    };
    const selector = { ...spec.selector, matchLabels: { ...spec.selector?.matchLabels, [HASH_LABEL]: hash } };
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: {
        name: `${d.metadata.name}-${hash}`,
        namespace: d.metadata.namespace,
        labels: template.metadata.labels,
        ownerReferences: [ownerRef(d)],
      },
      spec: { replicas: 0, minReadySeconds: spec.minReadySeconds ?? 0, selector, template },
    };
    rs.metadata.annotations = annotate(d, rs, revision);
    (rs.spec as { replicas: number }).replicas = newRSNewReplicas(d, [...old, rs], rs);
    try {
      const created = await create(env, rs);
      const replicas = rsReplicas(created);
      if (replicas > 0) scaled(d, created.metadata.name!, 0, replicas);
      await syncRevision(d, revision);
      return created;
    } catch (e) {
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
      const live = await env.client.get(refOf(rs));
      if (live && controllerRef(live)?.uid === d.metadata.uid && keyOfTemplate(live) === keyOfTemplate(d)) {
        env.cache.observe(live);
        return live;
      }
      // Someone else's ReplicaSet has the name: hash again with a bumped collisionCount.
      await writeStatus(env, d, { ...statusOf<DeploymentStatus>(d), collisionCount: collisions + 1 });
      throw e;
    }
  };

  /** rolling.go reconcileOldReplicaSets: unhealthy old pods first, then within maxUnavailable. */
  const scaleDownOld = async (d: KubeObject, old: KubeObject[], newRS: KubeObject): Promise<boolean> => {
    if (specReplicas(old) === 0) return false;
    const minAvailable = desiredReplicas(d) - maxUnavailable(d);
    const newUnavailable =
      rsReplicas(newRS) - Math.min(rsStatus(newRS).availableReplicas ?? 0, rsReplicas(newRS));
    const maxScaledDown = specReplicas([...old, newRS]) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) return false;
    let cleaned = 0;
    for (const rs of old) {
      if (cleaned >= maxScaledDown) break;
      const unhealthy = rsReplicas(rs) - Math.min(rsStatus(rs).availableReplicas ?? 0, rsReplicas(rs));
      if (rsReplicas(rs) === 0 || unhealthy === 0) continue;
      const n = Math.min(maxScaledDown - cleaned, unhealthy);
      await scale(d, rs, rsReplicas(rs) - n);
      cleaned += n;
    }
    const current = old.map(fresh);
    const excess = safeAvailable([...current, fresh(newRS)]) - minAvailable;
    let scaled = 0;
    for (const rs of current) {
      if (scaled >= excess) break;
      if (rsReplicas(rs) === 0) continue;
      const n = Math.min(rsReplicas(rs), excess - scaled);
      await scale(d, rs, rsReplicas(rs) - n);
      scaled += n;
    }
    return cleaned + scaled > 0;
  };

  /** cleanupDeployment: old ReplicaSets at zero beyond revisionHistoryLimit, oldest revision first. */
  const cleanup = async (d: KubeObject, old: KubeObject[]): Promise<void> => {
    const limit = deploymentSpec(d).revisionHistoryLimit ?? 10;
    const sorted = [...old].sort((a, b) => revisionOf(a) - revisionOf(b));
    for (const rs of sorted.slice(0, Math.max(0, sorted.length - limit))) {
      const idle = rsReplicas(rs) === 0 && (rsStatus(rs).replicas ?? 0) === 0;
      if (
        idle &&
        (rs.metadata.generation ?? 0) <=
          ((rs.status as { observedGeneration?: number })?.observedGeneration ?? 0)
      )
        await remove(env, rs);
    }
  };

  const rolling = async (d: KubeObject, existing: KubeObject | undefined, old: KubeObject[]) => {
    const newRS = (await newReplicaSet(d, existing, old, true))!;
    const target = desiredReplicas(d);
    if (rsReplicas(newRS) > target) return scale(d, newRS, target);
    const grown = newRSNewReplicas(d, [...old, newRS], newRS);
    if (grown !== rsReplicas(newRS)) return scale(d, newRS, grown);
    if (await scaleDownOld(d, old, newRS)) return;
    if (isComplete(d, statusOf<DeploymentStatus>(d))) await cleanup(d, old);
  };

  const recreate = async (d: KubeObject, existing: KubeObject | undefined, old: KubeObject[]) => {
    let newRS = await newReplicaSet(d, existing, old, false);
    const active = old.filter((rs) => rsReplicas(rs) > 0);
    for (const rs of active) await scale(d, rs, 0);
    if (active.length > 0) return;
    // Recreate means no old pod runs beside a new one.
    if (old.some((rs) => ownedPods(env, rs).length > 0 || (rsStatus(rs).replicas ?? 0) > 0)) return;
    newRS ??= await newReplicaSet(d, undefined, old, true);
    await scale(d, newRS!, desiredReplicas(d));
    if (isComplete(d, statusOf<DeploymentStatus>(d))) await cleanup(d, old);
  };

  const syncStatus = async (key: string, created: boolean): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const d = cache.deployments.get(namespace, name);
    if (!d) return;
    const rss = owned(d);
    const newRS = rss.find((rs) => keyOfTemplate(rs) === keyOfTemplate(d));
    const status = rolloutStatus(d, rss, newRS, created);
    await writeStatus(env, d, status.status);
    if (status.recheckMs !== undefined) queue.addAfter(key, status.recheckMs + 1000);
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const d = cache.deployments.get(namespace, name);
    // A Deployment being deleted is the garbage collector's (foreground: it removes the pods).
    if (!d || isTerminating(d)) return;
    for (const orphan of cache.replicaSets.byIndex("orphan", namespace ?? ""))
      if (!isTerminating(orphan) && selects(deploymentSpec(d).selector, orphan)) await adopt(env, d, orphan);
    const rss = owned(d);
    const existing = rss.find((rs) => keyOfTemplate(rs) === keyOfTemplate(d));
    const old = rss.filter((rs) => rs !== existing);
    if (deploymentSpec(d).paused) {
      if (existing && specReplicas(old) === 0) await scale(d, existing, desiredReplicas(d));
    } else if (isRecreate(d)) await recreate(d, existing, old);
    else await rolling(d, existing, old);
    await syncStatus(key, !existing && owned(d).length > rss.length);
  };

  const queue = newQueue(env, "deployment", sync);
  cache.deployments.on((d) => queue.add(keyOf(d)));
  cache.replicaSets.on((rs, old) => {
    for (const r of old && old !== rs ? [rs, old] : [rs]) {
      const ref = controllerRef(r);
      if (ref?.kind === "Deployment") queue.add(`${r.metadata.namespace}/${ref.name}`);
    }
    if (!controllerRef(rs) && !isTerminating(rs))
      for (const d of cache.deployments.list(rs.metadata.namespace))
        if (selects(deploymentSpec(d).selector, rs)) queue.add(keyOf(d));
  });
  return { name: "deployment", queue };
}
