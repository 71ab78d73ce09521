// What propagation reads, held in memory once for the work builder, the syncers and the status
// controller: Clusters, ResourceBindings (indexed by cluster and by template, so an event costs
// the bindings it touches, not a scan of all of them), Works, override policies and the templates
// bindings name. Listeners hear of changes that matter to them — a heartbeat (Cluster status) or a
// status write on a binding is not a change — and of Works as soon as this hub writes them.
import type { Logger } from "pino";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { Informer } from "../../apiserver/controllers/informer.ts";
import {
  bindingClusters,
  bindingRef,
  bindingResourceKey,
  bindingSpec,
} from "../../propagation/binding-spec.ts";
import { WORK_NAMESPACE } from "../../propagation/identity.ts";
import { canonicalJson } from "../../propagation/render.ts";
import { TemplateCache } from "./templates.ts";

export interface PropagationListener {
  bindingChanged?(old: KubeObject | undefined, current: KubeObject | undefined): void;
  workChanged?(cluster: string, old: KubeObject | undefined, current: KubeObject | undefined): void;
  clusterChanged?(name: string, old: KubeObject | undefined, current: KubeObject | undefined): void;
  overridesChanged?(old: KubeObject | undefined, current: KubeObject | undefined): void;
  templateChanged?(key: string): void;
  kindSynced?(kind: string): void;
}

const OVERRIDE_KINDS = ["OverridePolicy", "ClusterOverridePolicy"];

const overrideKey = (p: KubeObject) => `${p.kind}/${p.metadata.namespace ?? ""}/${p.metadata.name}`;
const rv = (o: KubeObject | undefined) => Number(o?.metadata.resourceVersion ?? 0);

/** What of a Cluster propagation acts on: not its status (heartbeats). */
const clusterSignature = (c: KubeObject) =>
  canonicalJson([c.metadata.uid, c.metadata.labels, c.spec, c.metadata.deletionTimestamp ?? null]);
const specSignature = (o: KubeObject) =>
  canonicalJson([o.metadata.uid, o.spec, o.metadata.deletionTimestamp ?? null]);

function addTo(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (set) set.add(value);
  else index.set(key, new Set([value]));
}

function removeFrom(index: Map<string, Set<string>>, key: string, value: string): void {
  const set = index.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) index.delete(key);
}

export class PropagationCache {
  readonly clusters = new Map<string, KubeObject>();
  readonly bindings = new Map<string, KubeObject>();
  /** By cluster name (a Work is named after its cluster). */
  readonly works = new Map<string, KubeObject>();
  readonly templates: TemplateCache;
  readonly synced: Promise<void>;
  private readonly overrides = new Map<string, KubeObject>();
  private readonly byCluster = new Map<string, Set<string>>();
  private readonly byTemplate = new Map<string, Set<string>>();
  private readonly listeners: PropagationListener[] = [];
  private readonly informers: Informer[];
  private readonly log: Logger;
  private isSynced = false;

  constructor(client: InternalClient, log: Logger) {
    this.log = log;
    this.templates = new TemplateCache(client, log, {
      templateChanged: (key) => this.emit((l) => l.templateChanged?.(key)),
      kindSynced: (kind) => this.emit((l) => l.kindSynced?.(kind)),
    });
    this.informers = [
      client.informer(API_VERSION, "Cluster", {
        upsert: (c) => this.upsertCluster(c),
        delete: (c) => this.deleteCluster(c.metadata.name!),
        synced: (all) =>
          this.forgetMissing(
            this.clusters,
            all,
            (c) => c.metadata.name!,
            (n) => this.deleteCluster(n),
          ),
      }),
      client.informer(API_VERSION, "ResourceBinding", {
        upsert: (b) => this.upsertBinding(b),
        delete: (b) => this.deleteBinding(bindingRef(b)),
        synced: (all) => this.forgetMissing(this.bindings, all, bindingRef, (r) => this.deleteBinding(r)),
      }),
      client.informer(API_VERSION, "Work", {
        upsert: (w) => {
          if (w.metadata.namespace === WORK_NAMESPACE) this.noteWork(w);
        },
        delete: (w) => {
          if (w.metadata.namespace === WORK_NAMESPACE) this.forgetWork(w.metadata.name!, rv(w));
        },
        synced: (all) =>
          this.forgetMissing(
            this.works,
            all.filter((w) => w.metadata.namespace === WORK_NAMESPACE),
            (w) => w.metadata.name!,
            (n) => this.forgetWork(n),
          ),
      }),
      ...OVERRIDE_KINDS.map((kind) =>
        client.informer(API_VERSION, kind, {
          upsert: (p) => this.upsertOverride(p),
          delete: (p) => this.deleteOverride(overrideKey(p)),
          synced: (all) =>
            this.forgetMissing(this.overrides, all, overrideKey, (k) => this.deleteOverride(k)),
        }),
      ),
    ];
    this.synced = Promise.all(this.informers.map((i) => i.synced)).then(() => {
      this.isSynced = true;
    });
  }

  get ready(): boolean {
    return this.isSynced;
  }

  subscribe(listener: PropagationListener): void {
    this.listeners.push(listener);
  }

  /** Bindings that deliver to the cluster (as a target or while it is being evicted). */
  bindingsOfCluster(cluster: string): KubeObject[] {
    return [...(this.byCluster.get(cluster) ?? [])].map((r) => this.bindings.get(r)!).filter(Boolean);
  }

  bindingsOfTemplate(key: string): KubeObject[] {
    return [...(this.byTemplate.get(key) ?? [])].map((r) => this.bindings.get(r)!).filter(Boolean);
  }

  overridePolicies(): KubeObject[] {
    return [...this.overrides.values()];
  }

  /** Takes a Work this hub just wrote (or an informer event), unless an equal or newer one is held. */
  noteWork(w: KubeObject): void {
    const name = w.metadata.name!;
    const old = this.works.get(name);
    if (old && rv(old) >= rv(w)) return;
    this.works.set(name, w);
    this.emit((l) => l.workChanged?.(name, old, w));
  }

  /** A Work is gone (deleted by this hub or seen deleted), unless a newer one was written since. */
  forgetWork(name: string, deletedAt = Number.POSITIVE_INFINITY): void {
    const old = this.works.get(name);
    if (!old || rv(old) > deletedAt) return;
    this.works.delete(name);
    this.emit((l) => l.workChanged?.(name, old, undefined));
  }

  async stop(): Promise<void> {
    await Promise.all([...this.informers.map((i) => i.stop()), this.templates.stop()]);
  }

  /** Every listener hears of every change, whatever another one does with it. */
  private emit(fn: (l: PropagationListener) => void): void {
    for (const l of this.listeners)
      try {
        fn(l);
      } catch (e) {
        this.log.error({ err: (e as Error).message }, "a propagation listener failed");
      }
  }

  private forgetMissing(
    map: Map<string, KubeObject>,
    all: KubeObject[],
    keyOf: (o: KubeObject) => string,
    forget: (key: string) => void,
  ): void {
    const present = new Set(all.map(keyOf));
    for (const key of [...map.keys()]) if (!present.has(key)) forget(key);
  }

  private upsertCluster(c: KubeObject): void {
    const name = c.metadata.name!;
    const old = this.clusters.get(name);
    this.clusters.set(name, c);
    if (!old || clusterSignature(old) !== clusterSignature(c))
      this.emit((l) => l.clusterChanged?.(name, old, c));
  }

  private deleteCluster(name: string): void {
    const old = this.clusters.get(name);
    if (!old) return;
    this.clusters.delete(name);
    this.emit((l) => l.clusterChanged?.(name, old, undefined));
  }

  private upsertBinding(b: KubeObject): void {
    const ref = bindingRef(b);
    const old = this.bindings.get(ref);
    this.bindings.set(ref, b);
    if (old && specSignature(old) === specSignature(b)) return;
    if (old) this.unindex(ref, old);
    this.index(ref, b);
    this.templates.ensure(bindingSpec(b).resource);
    this.emit((l) => l.bindingChanged?.(old, b));
  }

  private deleteBinding(ref: string): void {
    const old = this.bindings.get(ref);
    if (!old) return;
    this.bindings.delete(ref);
    this.unindex(ref, old);
    this.emit((l) => l.bindingChanged?.(old, undefined));
  }

  private index(ref: string, b: KubeObject): void {
    for (const c of bindingClusters(b)) addTo(this.byCluster, c, ref);
    addTo(this.byTemplate, bindingResourceKey(b), ref);
  }

  private unindex(ref: string, b: KubeObject): void {
    for (const c of bindingClusters(b)) removeFrom(this.byCluster, c, ref);
    removeFrom(this.byTemplate, bindingResourceKey(b), ref);
  }

  private upsertOverride(p: KubeObject): void {
    const key = overrideKey(p);
    const old = this.overrides.get(key);
    this.overrides.set(key, p);
    if (!old || specSignature(old) !== specSignature(p)) this.emit((l) => l.overridesChanged?.(old, p));
  }

  private deleteOverride(key: string): void {
    const old = this.overrides.get(key);
    if (!old) return;
    this.overrides.delete(key);
    this.emit((l) => l.overridesChanged?.(old, undefined));
  }
}
