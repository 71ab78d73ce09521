// Keeps the RBAC objects in memory for the authorizer: MemoryRbacSource holds them, and
// StoreRbacCache fills one from the Store (list, then watch from the list's revision; relist when
// the watch falls behind compaction) so authorization never reads the store per request.
import { type Store, StoreError, type StoreEvent } from "../../storage/store.ts";
import {
  type ClusterRole,
  type ClusterRoleBinding,
  RBAC_GROUP,
  type RbacSource,
  type Role,
  type RoleBinding,
} from "./rbac-types.ts";

export type RbacObject = Role | ClusterRole | RoleBinding | ClusterRoleBinding;

const RESOURCES = ["roles", "clusterroles", "rolebindings", "clusterrolebindings"] as const;
type RbacResource = (typeof RESOURCES)[number];
const KIND_RESOURCE: Record<RbacObject["kind"], RbacResource> = {
  Role: "roles",
  ClusterRole: "clusterroles",
  RoleBinding: "rolebindings",
  ClusterRoleBinding: "clusterrolebindings",
};

/** Every RBAC object in the store lives under this prefix (the keys.ts layout, one level up). */
export const RBAC_PREFIX = `/registry/${RBAC_GROUP}/`;

/** An RbacSource over plain maps. Identity is (resource, namespace, name), as in the store. */
export class MemoryRbacSource implements RbacSource {
  private readonly byResource = new Map<RbacResource, Map<string, Map<string, RbacObject>>>(
    RESOURCES.map((r) => [r, new Map()]),
  );

  static of(objects: RbacObject[]): MemoryRbacSource {
    const source = new MemoryRbacSource();
    for (const o of objects) source.set(o);
    return source;
  }

  set(obj: RbacObject): void {
    this.put(KIND_RESOURCE[obj.kind], obj.metadata.namespace ?? "", obj.metadata.name ?? "", obj);
  }

  put(resource: RbacResource, namespace: string, name: string, obj: RbacObject): void {
    const spaces = this.byResource.get(resource)!;
    let names = spaces.get(namespace);
    if (!names) {
      names = new Map();
      spaces.set(namespace, names);
    }
    names.set(name, obj);
  }

  delete(resource: RbacResource, namespace: string, name: string): void {
    const spaces = this.byResource.get(resource)!;
    spaces.get(namespace)?.delete(name);
    if (spaces.get(namespace)?.size === 0) spaces.delete(namespace);
  }

  private list<T extends RbacObject>(resource: RbacResource, namespace: string): T[] {
    return [...(this.byResource.get(resource)!.get(namespace)?.values() ?? [])] as T[];
  }

  role(namespace: string, name: string): Role | undefined {
    return this.byResource.get("roles")!.get(namespace)?.get(name) as Role | undefined;
  }
  roles(namespace: string): Role[] {
    return this.list("roles", namespace);
  }
  clusterRole(name: string): ClusterRole | undefined {
    return this.byResource.get("clusterroles")!.get("")?.get(name) as ClusterRole | undefined;
  }
  roleBindings(namespace: string): RoleBinding[] {
    return this.list("rolebindings", namespace);
  }
  clusterRoleBindings(): ClusterRoleBinding[] {
    return this.list("clusterrolebindings", "");
  }
}

export interface StoreRbacCacheOptions {
  store: Store;
  /** Told about watch failures and unreadable objects (they are skipped). Default: ignore. */
  onError?: (err: unknown) => void;
  /** Wait before relisting after an unexpected failure. Default 1000 ms. */
  retryDelayMs?: number;
}

/** An RbacSource kept current from the Store. Await `ready` before serving; `close()` stops it. */
export class StoreRbacCache implements RbacSource {
  /** Resolves after the first complete list. */
  readonly ready: Promise<void>;
  private source = new MemoryRbacSource();
  private appliedRevision = 0;
  private readonly abort = new AbortController();
  private readonly opts: StoreRbacCacheOptions;
  private readonly done: Promise<void>;
  private markReady!: () => void;
  private failReady!: (err: Error) => void;

  constructor(opts: StoreRbacCacheOptions) {
    this.opts = opts;
    this.ready = new Promise((resolve, reject) => {
      this.markReady = resolve;
      this.failReady = reject;
    });
    // A caller that never awaits `ready` must not crash the process when close() rejects it.
    this.ready.catch(() => {});
    this.done = this.run();
  }

  /** The store revision the cache reflects. */
  get revision(): number {
    return this.appliedRevision;
  }

  async close(): Promise<void> {
    this.abort.abort();
    this.failReady(new Error("the RBAC cache was closed before its first list"));
    await this.done;
  }

  role(namespace: string, name: string) {
    return this.source.role(namespace, name);
  }
  roles(namespace: string) {
    return this.source.roles(namespace);
  }
  clusterRole(name: string) {
    return this.source.clusterRole(name);
  }
  roleBindings(namespace: string) {
    return this.source.roleBindings(namespace);
  }
  clusterRoleBindings() {
    return this.source.clusterRoleBindings();
  }

  private async run(): Promise<void> {
    const signal = this.abort.signal;
    while (!signal.aborted) {
      try {
        await this.relist();
        this.markReady();
        const watcher = this.opts.store.watch(RBAC_PREFIX, { afterRevision: this.appliedRevision, signal });
        for await (const event of watcher.events) this.apply(event);
        // The watch ended without an abort: the store closed. Nothing more will come.
        return;
      } catch (err) {
        if (signal.aborted) return;
        // Compacted is routine (we fell behind): relist at once. Anything else: report, back off.
        if (err instanceof StoreError && err.code === "Compacted") continue;
        this.opts.onError?.(err);
        if (err instanceof StoreError && err.code === "Closed") return;
        await sleep(this.opts.retryDelayMs ?? 1000, signal);
      }
    }
  }

  /** Reads everything into a fresh source and swaps it in whole, so readers never see half a list. */
  private async relist(): Promise<void> {
    // A hung store call must not keep close() waiting.
    const { items, revision } = await abortable(this.opts.store.range(RBAC_PREFIX), this.abort.signal);
    const next = new MemoryRbacSource();
    for (const kv of items) {
      const id = parseKey(kv.key);
      const obj = id && this.parse(kv.value, kv.key, id.resource);
      if (id && obj) next.put(id.resource, id.namespace, id.name, obj);
    }
    this.source = next;
    this.appliedRevision = revision;
  }

  private apply(event: StoreEvent): void {
    const id = parseKey(event.kv.key);
    if (id) {
      if (event.type === "delete") this.source.delete(id.resource, id.namespace, id.name);
      else {
        const obj = this.parse(event.kv.value, event.kv.key, id.resource);
        if (obj) this.source.put(id.resource, id.namespace, id.name, obj);
        else this.source.delete(id.resource, id.namespace, id.name);
      }
    }
    this.appliedRevision = event.revision;
  }

  /** The object, or undefined (reported) when it is not JSON or lacks what the authorizer relies on. */
  private parse(value: string, key: string, resource: RbacResource): RbacObject | undefined {
    let obj: RbacObject;
    try {
      obj = JSON.parse(value) as RbacObject;
    } catch (err) {
      this.opts.onError?.(new Error(`unreadable RBAC object at ${key}: ${(err as Error).message}`));
      return undefined;
    }
    if (!wellFormed(obj, resource)) {
      this.opts.onError?.(new Error(`malformed RBAC object at ${key}; ignored`));
      return undefined;
    }
    return obj;
  }
}

/** /registry/<group>/<resource>/<ns>/<name> or /registry/<group>/<resource>/<name>. */
function parseKey(key: string): { resource: RbacResource; namespace: string; name: string } | undefined {
  const parts = key.slice(RBAC_PREFIX.length).split("/");
  const resource = RESOURCES.find((r) => r === parts[0]);
  if (!resource) return undefined;
  const namespaced = resource === "roles" || resource === "rolebindings";
  if (namespaced && parts.length === 3) return { resource, namespace: parts[1], name: parts[2] };
  if (!namespaced && parts.length === 2) return { resource, namespace: "", name: parts[1] };
  return undefined;
}

function wellFormed(obj: RbacObject, resource: RbacResource): boolean {
  if (typeof obj !== "object" || obj === null || typeof obj.metadata !== "object") return false;
  if (resource === "roles" || resource === "clusterroles") {
    const rules = (obj as Role).rules;
    return rules === undefined || (Array.isArray(rules) && rules.every((r) => Array.isArray(r?.verbs)));
  }
  const ref = (obj as RoleBinding).roleRef;
  const subjects = (obj as RoleBinding).subjects;
  const subjectsOk =
    subjects === undefined ||
    (Array.isArray(subjects) &&
      subjects.every((x) => typeof x?.kind === "string" && typeof x.name === "string"));
  return typeof ref?.kind === "string" && typeof ref.name === "string" && subjectsOk;
}

function abortable<T>(work: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
