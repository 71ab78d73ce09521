// The cached objects of one kind in one simulated cluster, with secondary indexes (owner uid,
// node name, ...) and change listeners. Fed by the cluster's informer (cluster-cache.ts) and by
// the controllers' own writes, so a controller reads its writes at once instead of waiting for
// the watch (Kubernetes' controllers need "expectations" for that; write-through is simpler):
// - an informer event never overwrites a newer object a write put here (revisions only grow);
// - a write older than what the informer already delivered is ignored (no resurrection of an
//   object deleted meanwhile);
// - an object a controller deletes is hidden at once, until the informer reports it deleted or
//   terminating.
import type { KubeObject } from "../../apis/meta/types.ts";
import { keyOf, rvOf } from "./objects.ts";

export type Indexer = (obj: KubeObject) => readonly string[];
/** Told about every change: `deleted` when the object went away (or was hidden). */
export type Listener = (obj: KubeObject, old: KubeObject | undefined, deleted: boolean) => void;

const NAMESPACE = "__namespace";

export class KindCache {
  readonly apiVersion: string;
  readonly kind: string;
  private readonly objects = new Map<string, KubeObject>();
  private readonly indexers = new Map<string, Indexer>();
  private readonly indexes = new Map<string, Map<string, Set<string>>>();
  private readonly hidden = new Set<string>();
  private readonly listeners: Listener[] = [];
  /** The highest revision the informer has delivered (shared across kinds of one store). */
  private readonly progress: () => number;

  constructor(
    apiVersion: string,
    kind: string,
    progress: () => number,
    indexers: Record<string, Indexer> = {},
  ) {
    this.apiVersion = apiVersion;
    this.kind = kind;
    this.progress = progress;
    this.indexers.set(NAMESPACE, (o) => [o.metadata.namespace ?? ""]);
    for (const [name, fn] of Object.entries(indexers)) this.indexers.set(name, fn);
    for (const name of this.indexers.keys()) this.indexes.set(name, new Map());
  }

  on(listener: Listener): void {
    this.listeners.push(listener);
  }

  get(namespace: string | undefined, name: string): KubeObject | undefined {
    return this.visible(this.objects.get(namespace ? `${namespace}/${name}` : name));
  }

  /** Every object (of one namespace when given). */
  list(namespace?: string): KubeObject[] {
    if (namespace !== undefined) return this.byIndex(NAMESPACE, namespace);
    const out: KubeObject[] = [];
    for (const o of this.objects.values()) if (this.visible(o)) out.push(o);
    return out;
  }

  byIndex(index: string, value: string): KubeObject[] {
    const out: KubeObject[] = [];
    for (const key of this.indexes.get(index)?.get(value) ?? []) {
      const o = this.visible(this.objects.get(key));
      if (o) out.push(o);
    }
    return out;
  }

  /** A put from the informer. */
  applyPut(obj: KubeObject): void {
    const key = keyOf(obj);
    const old = this.objects.get(key);
    // Equal revisions are this cache's own writes coming back through the watch.
    if (old && rvOf(old) >= rvOf(obj)) return;
    // The object we deleted turned out to have finalizers: it is visibly terminating now.
    if (obj.metadata.deletionTimestamp) this.hidden.delete(obj.metadata.uid ?? "");
    this.set(key, obj, old);
  }

  /** A delete from the informer (the object as it last was). */
  applyDelete(prev: KubeObject): void {
    const key = keyOf(prev);
    const old = this.objects.get(key);
    this.hidden.delete(prev.metadata.uid ?? "");
    // A newer incarnation written through here (a StatefulSet pod recreated) stays.
    if (!old || rvOf(old) > rvOf(prev)) return;
    this.unindex(key, old);
    this.objects.delete(key);
    this.emit(old, old, true);
  }

  /** After a (re)list: forget what the list no longer holds. */
  resync(present: ReadonlySet<string>): void {
    for (const [key, old] of this.objects)
      if (!present.has(key)) {
        this.unindex(key, old);
        this.objects.delete(key);
        this.emit(old, old, true);
      }
    const uids = new Set([...this.objects.values()].map((o) => o.metadata.uid));
    for (const uid of this.hidden) if (!uids.has(uid)) this.hidden.delete(uid);
  }

  /** A controller's own successful write (create, update, status). */
  observe(obj: KubeObject): void {
    if (rvOf(obj) <= this.progress()) return;
    const key = keyOf(obj);
    const old = this.objects.get(key);
    if (old && rvOf(old) >= rvOf(obj)) return;
    this.set(key, obj, old);
  }

  /** A controller is deleting `obj`: treat it as gone now. */
  hide(obj: KubeObject): void {
    if (!obj.metadata.uid) return;
    this.hidden.add(obj.metadata.uid);
    this.emit(obj, obj, true);
  }

  /** The delete failed: the object is back. */
  unhide(obj: KubeObject): void {
    if (obj.metadata.uid && this.hidden.delete(obj.metadata.uid)) this.emit(obj, undefined, false);
  }

  private visible(o: KubeObject | undefined): KubeObject | undefined {
    return o && !this.hidden.has(o.metadata.uid ?? "") ? o : undefined;
  }

  private set(key: string, obj: KubeObject, old: KubeObject | undefined): void {
    if (old) this.unindex(key, old);
    this.objects.set(key, obj);
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const v of fn(obj)) {
        const keys = index.get(v) ?? new Set<string>();
        index.set(v, keys);
        keys.add(key);
      }
    }
    this.emit(obj, old, false);
  }

  private unindex(key: string, obj: KubeObject): void {
    for (const [name, fn] of this.indexers) {
      const index = this.indexes.get(name)!;
      for (const v of fn(obj)) {
        const keys = index.get(v);
        keys?.delete(key);
        if (keys?.size === 0) index.delete(v);
      }
    }
  }

  private emit(obj: KubeObject, old: KubeObject | undefined, deleted: boolean): void {
    for (const l of this.listeners) l(obj, old, deleted);
  }
}
