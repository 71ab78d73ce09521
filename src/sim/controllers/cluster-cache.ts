// The shared informer cache of one simulated cluster: every kind its controllers read, fed by a
// single informer over the whole keyspace (/registry/). One watch per cluster instead of one per
// kind keeps a thousand clusters cheap; objects of kinds no controller reads are dropped as they
// arrive.
import type { KubeObject } from "../../apis/meta/types.ts";
import { Informer, type InformerLogger } from "../../apiserver/controllers/informer.ts";
import type { Store } from "../../storage/store.ts";
import { type Indexer, KindCache } from "./kind-cache.ts";
import { byController, keyOf, orphanIn, podSpec, rvOf } from "./objects.ts";

const byNode: Indexer = (pod) => {
  const node = podSpec(pod).nodeName;
  return node ? [node] : [];
};

/** "namespace/claim" for every PersistentVolumeClaim a pod mounts. */
const byClaim: Indexer = (pod) =>
  (podSpec(pod).volumes ?? []).flatMap((v) =>
    v.persistentVolumeClaim?.claimName
      ? [`${pod.metadata.namespace}/${v.persistentVolumeClaim.claimName}`]
      : [],
  );

/** The claim a PersistentVolume is bound to, by uid. */
const byClaimUid: Indexer = (pv) => {
  const uid = (pv.spec as { claimRef?: { uid?: string } } | undefined)?.claimRef?.uid;
  return uid ? [uid] : [];
};

/** EndpointSlices by "namespace/service". */
const byService: Indexer = (slice) => {
  const svc = slice.metadata.labels?.["kubernetes.io/service-name"];
  return svc ? [`${slice.metadata.namespace}/${svc}`] : [];
};

export class ClusterCache {
  private lastRevision = 0;
  private readonly kinds = new Map<string, KindCache>();
  private informer?: Informer;
  private resolveSynced!: () => void;
  /** Resolves after the first list has filled every kind. */
  readonly synced = new Promise<void>((r) => {
    this.resolveSynced = r;
  });

  readonly nodes = this.kind("v1", "Node");
  readonly pods = this.kind("v1", "Pod", {
    owner: byController,
    orphan: orphanIn,
    node: byNode,
    claim: byClaim,
  });
  readonly services = this.kind("v1", "Service");
  readonly endpoints = this.kind("v1", "Endpoints");
  readonly endpointSlices = this.kind("discovery.k8s.io/v1", "EndpointSlice", { service: byService });
  readonly pvcs = this.kind("v1", "PersistentVolumeClaim");
  readonly pvs = this.kind("v1", "PersistentVolume", { claim: byClaimUid });
  readonly storageClasses = this.kind("storage.k8s.io/v1", "StorageClass");
  readonly deployments = this.kind("apps/v1", "Deployment");
  readonly replicaSets = this.kind("apps/v1", "ReplicaSet", { owner: byController, orphan: orphanIn });
  readonly statefulSets = this.kind("apps/v1", "StatefulSet");
  readonly daemonSets = this.kind("apps/v1", "DaemonSet");
  readonly controllerRevisions = this.kind("apps/v1", "ControllerRevision", { owner: byController });
  readonly jobs = this.kind("batch/v1", "Job");
  readonly pdbs = this.kind("policy/v1", "PodDisruptionBudget");
  /** Stored as v2 whichever version they were written in. */
  readonly hpas = this.kind("autoscaling/v2", "HorizontalPodAutoscaler");

  private kind(apiVersion: string, kind: string, indexers?: Record<string, Indexer>): KindCache {
    const cache = new KindCache(apiVersion, kind, () => this.lastRevision, indexers);
    this.kinds.set(`${apiVersion}#${kind}`, cache);
    return cache;
  }

  private cacheFor(obj: KubeObject): KindCache | undefined {
    return this.kinds.get(`${obj.apiVersion}#${obj.kind}`);
  }

  /** Records a controller's own write (see KindCache.observe). */
  observe(obj: KubeObject): void {
    this.cacheFor(obj)?.observe(obj);
  }

  hide(obj: KubeObject): void {
    this.cacheFor(obj)?.hide(obj);
  }

  unhide(obj: KubeObject): void {
    this.cacheFor(obj)?.unhide(obj);
  }

  /** Starts the informer; register listeners first, so they see the initial list. */
  start(store: Store, log?: InformerLogger): void {
    this.informer = new Informer(
      store,
      "/registry/",
      {
        upsert: (obj) => {
          this.lastRevision = Math.max(this.lastRevision, rvOf(obj));
          this.cacheFor(obj)?.applyPut(obj);
        },
        delete: (obj) => {
          this.lastRevision = Math.max(this.lastRevision, rvOf(obj));
          this.cacheFor(obj)?.applyDelete(obj);
        },
        synced: (all) => {
          const present = new Map<KindCache, Set<string>>();
          for (const c of this.kinds.values()) present.set(c, new Set());
          for (const o of all) {
            const c = this.cacheFor(o);
            if (c) present.get(c)!.add(keyOf(o));
          }
          for (const [c, keys] of present) c.resync(keys);
          this.resolveSynced();
        },
      },
      log,
    );
  }

  async stop(): Promise<void> {
    await this.informer?.stop();
  }
}
