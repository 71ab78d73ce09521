// The garbage collector: deletes objects whose owners (metadata.ownerReferences) are gone, and
// carries out the Foreground and Orphan deletions that DELETE requests through finalizers
// (handlers/delete.ts GC_FINALIZERS). Used by the hub and by every simulated cluster.
//
// Design: one informer over the whole object keyspace (/registry/) instead of one per kind, so
// every kind the server serves — including kinds a CRD adds later — is covered by a single watch,
// and the collector keeps only an ownership graph (uid → owners, owner uid → dependents), never
// the objects. Work is keyed by uid, coalesced, and processed one at a time after the first list
// (so an owner listed after its dependent is never mistaken for absent).
import type { KubeObject, OwnerReference } from "../../apis/meta/types.ts";
import type { Store } from "../../storage/store.ts";
import { ApiError } from "../errors.ts";
import { GC_FINALIZERS } from "../handlers/delete.ts";
import { nowRfc3339 } from "../handlers/prepare.ts";
import { decodeHead, ObjectStore } from "../registry/object-store.ts";
import type { ResourceRegistry } from "../resources/registry.ts";
import { parseApiVersion, type ResourceType } from "../resources/resource-type.ts";
import { Informer, type InformerLogger } from "./informer.ts";

const FOREGROUND = GC_FINALIZERS.Foreground!;
const ORPHAN = GC_FINALIZERS.Orphan!;
const MAX_BACKOFF_MS = 10_000;

/** solid: alive; dangling: gone; waiting: being deleted in the foreground (waits for dependents). */
type OwnerState = "solid" | "dangling" | "waiting";

export interface GarbageCollector {
  /** Resolves once the first list of every object has been taken in. */
  synced: Promise<void>;
  stop(): Promise<void>;
}

export function startGarbageCollector(
  store: Store,
  registry: ResourceRegistry,
  log?: InformerLogger,
): GarbageCollector {
  return new Collector(store, registry, log);
}

/** What the collector keeps of an object: identity, ownership and deletion state. */
function toNode(obj: KubeObject) {
  const { uid, name, namespace, deletionTimestamp, finalizers = [], ownerReferences = [] } = obj.metadata;
  const owners = ownerReferences.filter((o) => typeof o?.uid === "string");
  const deleting = !!deletionTimestamp;
  // Status-only updates (the common case) leave the signature, and so the collector, alone.
  const signature = JSON.stringify([deleting, finalizers, owners.map((o) => [o.uid, o.blockOwnerDeletion])]);
  const ref = { apiVersion: obj.apiVersion, kind: obj.kind, namespace, name: name! };
  return { uid: uid!, ref, owners, deleting, finalizers, signature };
}

type GraphNode = ReturnType<typeof toNode>;

class Collector implements GarbageCollector {
  readonly synced: Promise<void>;
  private readonly objects: ObjectStore;
  private readonly registry: ResourceRegistry;
  private readonly log?: InformerLogger;
  private readonly nodes = new Map<string, GraphNode>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly pending = new Set<string>();
  /** Nodes whose kind (or an owner's) the registry did not serve when last processed. */
  private readonly unresolved = new Set<string>();
  private readonly retrying = new Set<string>();
  private backoffMs = 25;
  private readonly informer: Informer;
  private readonly unsubscribe: () => void;
  private retryTimer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private ready = false;
  private stopped = false;

  constructor(store: Store, registry: ResourceRegistry, log?: InformerLogger) {
    this.objects = new ObjectStore(store);
    this.registry = registry;
    this.log = log;
    this.informer = new Informer(
      store,
      "/registry/",
      {
        upsert: (obj) => this.upsert(obj),
        delete: (obj) => this.remove(obj.metadata.uid),
        synced: (all) => {
          const present = new Set(all.map((o) => o.metadata.uid));
          for (const uid of [...this.nodes.keys()]) if (!present.has(uid)) this.remove(uid);
        },
      },
      log,
      // Owners, finalizers and deletion are metadata: the rest of each object is not parsed.
      decodeHead,
    );
    this.synced = this.informer.synced.then(() => {
      this.ready = true;
      this.kick();
    });
    // A CRD that starts (or stops) being served can make a kind resolvable for the writes below.
    this.unsubscribe = registry.onChange(() => {
      for (const uid of this.unresolved) this.enqueue(uid);
      this.unresolved.clear();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    clearTimeout(this.retryTimer);
    await this.informer.stop();
    await this.draining;
  }

  private upsert(obj: KubeObject): void {
    if (!obj.metadata.uid || !obj.metadata.name) return;
    const node = toNode(obj);
    const old = this.nodes.get(node.uid);
    this.nodes.set(node.uid, node);
    if (old) for (const o of old.owners) this.dependents.get(o.uid)?.delete(node.uid);
    for (const o of node.owners) {
      const deps = this.dependents.get(o.uid) ?? new Set<string>();
      this.dependents.set(o.uid, deps);
      deps.add(node.uid);
    }
    if (old?.signature !== node.signature) {
      this.enqueue(node.uid);
      // An owner waiting in foreground deletion learns that a dependent changed or let go.
      for (const o of old?.owners ?? []) this.enqueue(o.uid);
    }
  }

  private remove(uid: string | undefined): void {
    const node = uid ? this.nodes.get(uid) : undefined;
    if (!node) return;
    this.nodes.delete(node.uid);
    for (const o of node.owners) {
      const deps = this.dependents.get(o.uid);
      deps?.delete(node.uid);
      if (deps?.size === 0) this.dependents.delete(o.uid);
      this.enqueue(o.uid);
    }
    for (const dep of this.dependents.get(node.uid) ?? []) this.enqueue(dep);
  }

  private enqueue(uid: string): void {
    this.pending.add(uid);
    this.kick();
  }

  private kick(): void {
    if (!this.ready || this.stopped || this.draining || this.pending.size === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (const uid of this.pending) {
      if (this.stopped) return;
      this.pending.delete(uid);
      try {
        await this.process(uid);
        this.backoffMs = 25;
      } catch (e) {
        this.log?.warn({ err: String(e), uid }, "garbage collection failed; retrying");
        this.retryLater(uid);
      }
    }
  }

  /** Failed items wait together on one timer, backing off while failures continue. */
  private retryLater(uid: string): void {
    this.retrying.add(uid);
    if (this.retryTimer || this.stopped) return;
    this.backoffMs = Math.min(MAX_BACKOFF_MS, this.backoffMs * 2);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      const uids = [...this.retrying];
      this.retrying.clear();
      for (const u of uids) this.enqueue(u);
    }, this.backoffMs);
    this.retryTimer.unref();
  }

  private liveDependents(uid: string): GraphNode[] {
    return [...(this.dependents.get(uid) ?? [])]
      .map((d) => this.nodes.get(d))
      .filter((n): n is GraphNode => !!n?.owners.some((o) => o.uid === uid));
  }

  private async process(uid: string): Promise<void> {
    const node = this.nodes.get(uid);
    if (!node) return;
    if (node.deleting) {
      if (node.finalizers.includes(ORPHAN)) {
        for (const dep of this.liveDependents(uid)) await this.dropOwners(dep, [uid]);
        await this.change(node, (live) => withoutFinalizer(live, ORPHAN));
      } else if (node.finalizers.includes(FOREGROUND)) {
        const deps = this.liveDependents(uid);
        for (const dep of deps)
          if (!dep.deleting)
            await this.deleteNode(dep, this.liveDependents(dep.uid).length > 0 ? FOREGROUND : undefined);
        const blocking = deps.filter((d) => d.owners.some((o) => o.uid === uid && o.blockOwnerDeletion));
        if (blocking.length === 0) await this.change(node, (live) => withoutFinalizer(live, FOREGROUND));
      }
      return;
    }
    if (node.owners.length === 0) return;
    const states = await Promise.all(node.owners.map((o) => this.ownerState(node, o)));
    const having = (state: OwnerState) => node.owners.filter((_, i) => states[i] === state);
    const [solid, dangling, waiting] = [having("solid"), having("dangling"), having("waiting")];
    if (solid.length > 0) {
      // A live owner keeps the object; references to owners that are gone (or leaving) go.
      const gone = [...dangling, ...waiting].map((o) => o.uid);
      if (gone.length > 0) await this.dropOwners(node, gone);
    } else {
      // Owners all gone or leaving: so is the object (in the foreground too if it owns others).
      const foreground = waiting.length > 0 && this.liveDependents(uid).length > 0;
      await this.deleteNode(node, foreground ? FOREGROUND : undefined);
    }
  }

  private async ownerState(dependent: GraphNode, ref: OwnerReference): Promise<OwnerState> {
    const owner = this.nodes.get(ref.uid);
    if (owner) return owner.deleting && owner.finalizers.includes(FOREGROUND) ? "waiting" : "solid";
    // The graph says absent; confirm against storage before deleting anything, as Kubernetes does
    // (the informer may lag a write that just created the owner).
    const rt = this.typeOf(ref.apiVersion, ref.kind);
    if (!rt) return "dangling";
    const live = await this.objects.tryGet(rt, rt.namespaced ? dependent.ref.namespace : undefined, ref.name);
    return live?.metadata.uid === ref.uid ? "solid" : "dangling";
  }

  private typeOf(apiVersion: string, kind: string): ResourceType | undefined {
    const { group, version } = parseApiVersion(apiVersion);
    return this.registry.byGroupVersionKind(group, version, kind) ?? this.registry.byGroupKind(group, kind);
  }

  private dropOwners(node: GraphNode, uids: string[]): Promise<void> {
    return this.change(node, (live) => {
      const refs = (live.metadata.ownerReferences ?? []).filter((o) => !uids.includes(o.uid));
      if (refs.length === (live.metadata.ownerReferences ?? []).length) return undefined;
      if (refs.length > 0) live.metadata.ownerReferences = refs;
      else delete live.metadata.ownerReferences;
      return live;
    });
  }

  /** Deletes as DELETE would: at once without finalizers, otherwise marked (plus `finalizer`). */
  private deleteNode(node: GraphNode, finalizer: string | undefined): Promise<void> {
    return this.change(node, (live) => {
      if (live.metadata.deletionTimestamp) return undefined;
      const finalizers = [...(live.metadata.finalizers ?? [])];
      if (finalizer && !finalizers.includes(finalizer)) finalizers.push(finalizer);
      if (finalizers.length === 0) return "delete";
      live.metadata.finalizers = finalizers;
      live.metadata.deletionTimestamp = nowRfc3339();
      live.metadata.deletionGracePeriodSeconds = 0;
      return live;
    });
  }

  /** Reads the live object (same uid), applies `fn`, and writes or deletes it; retries conflicts. */
  private async change(
    node: GraphNode,
    fn: (live: KubeObject) => KubeObject | "delete" | undefined,
  ): Promise<void> {
    const rt = this.typeOf(node.ref.apiVersion, node.ref.kind);
    if (!rt) {
      this.unresolved.add(node.uid);
      return;
    }
    for (let attempt = 0; ; attempt++) {
      const live = await this.objects.tryGet(rt, node.ref.namespace, node.ref.name);
      if (!live || live.metadata.uid !== node.uid) return;
      const next = fn(structuredClone(live));
      if (next === undefined) return;
      const rv = Number(live.metadata.resourceVersion);
      try {
        const gone =
          next === "delete" || (next.metadata.deletionTimestamp && !next.metadata.finalizers?.length);
        await (gone ? this.objects.delete(rt, live, rv) : this.objects.update(rt, next as KubeObject, rv));
        return;
      } catch (e) {
        if (e instanceof ApiError && e.reason === "NotFound") return;
        if (!(e instanceof ApiError && e.reason === "Conflict") || attempt >= 5) throw e;
      }
    }
  }
}

function withoutFinalizer(live: KubeObject, finalizer: string): KubeObject | undefined {
  const finalizers = live.metadata.finalizers ?? [];
  if (!finalizers.includes(finalizer)) return undefined;
  live.metadata.finalizers = finalizers.filter((f) => f !== finalizer);
  if (live.metadata.finalizers.length === 0) delete live.metadata.finalizers;
  return live;
}
