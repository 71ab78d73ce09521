// The in-process client controllers use (simulated cluster controllers, hub controllers): the
// same object semantics as API requests — server-owned metadata, defaulting and validation,
// generation, status split, finalizers, compare-and-swap — without HTTP. Admission is not run:
// controllers are trusted system components, as in Kubernetes' loopback client with
// system:masters.
import type { KubeObject } from "../../apis/meta/types.ts";
import { Informer, type InformerHandlers, type InformerLogger } from "../controllers/informer.ts";
import { ApiError, errors } from "../errors.ts";
import {
  nowRfc3339,
  prepareForCreate,
  prepareForStatusUpdate,
  prepareForUpdate,
  sameJson,
  unchanged,
} from "../handlers/prepare.ts";
import type { ObjectStore } from "../registry/object-store.ts";
import type { ResourceRegistry } from "../resources/registry.ts";
import { parseApiVersion, type ResourceType } from "../resources/resource-type.ts";
import { validateObject, validateStatus } from "../validation/object.ts";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface WriteOptions {
  /**
   * The object as stored, e.g. from an informer cache: the write is based on it without reading
   * the store. Never modified. A stale base costs a Conflict (update) or a read and a retry (mutate).
   */
  base?: KubeObject;
  /**
   * The caller hands the object over (update) or `change` returns a new object without modifying
   * its argument (mutate): the client skips its defensive copy.
   */
  owned?: boolean;
}

export class InternalClient {
  readonly objects: ObjectStore;
  readonly registry: ResourceRegistry;
  private readonly log?: InformerLogger;

  constructor(objects: ObjectStore, registry: ResourceRegistry, log?: InformerLogger) {
    this.objects = objects;
    this.registry = registry;
    this.log = log;
  }

  type(apiVersion: string, kind: string): ResourceType {
    const { group, version } = parseApiVersion(apiVersion);
    const rt = this.registry.byGroupVersionKind(group, version, kind);
    if (!rt) throw new ApiError("NotFound", `no kind "${kind}" is registered for version "${apiVersion}"`);
    return rt;
  }

  get(ref: ObjectRef): Promise<KubeObject | undefined> {
    return this.objects.tryGet(this.type(ref.apiVersion, ref.kind), ref.namespace, ref.name);
  }

  /** Every object of a kind (in one namespace when given). */
  async list(apiVersion: string, kind: string, namespace?: string): Promise<KubeObject[]> {
    const rt = this.type(apiVersion, kind);
    const page = await this.objects.range(rt, namespace, {});
    return page.items;
  }

  async create(obj: KubeObject): Promise<KubeObject> {
    const rt = this.type(obj.apiVersion, obj.kind);
    const prepared = prepareForCreate(rt, structuredClone(obj), obj.metadata.namespace ?? "");
    if (obj.status !== undefined) prepared.status = structuredClone(obj.status);
    validateObject(rt, prepared, undefined, "Ignore");
    return this.objects.create(rt, prepared);
  }

  /** Replaces spec/metadata if obj is still at its resourceVersion (Conflict otherwise). */
  async update(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.write(obj, opts, false);
  }

  /** Writes only status, as the /status subresource does. */
  async updateStatus(obj: KubeObject, opts: WriteOptions = {}): Promise<KubeObject> {
    return this.write(obj, opts, true);
  }

  private async write(obj: KubeObject, opts: WriteOptions, status: boolean): Promise<KubeObject> {
    const rt = this.type(obj.apiVersion, obj.kind);
    const old = usableBase(opts.base, obj)
      ? opts.base
      : await this.objects.get(rt, obj.metadata.namespace, obj.metadata.name!);
    return this.replace(rt, opts.owned ? obj : structuredClone(obj), old, status);
  }

  /** `next` (owned by the caller, may be changed) replaces `old` (as read from the store). */
  private replace(rt: ResourceType, next: KubeObject, old: KubeObject, status: boolean): Promise<KubeObject> {
    const prepared = status ? prepareForStatusUpdate(next, old) : prepareForUpdate(rt, next, old);
    return this.store(rt, prepared, old, { rv: next.metadata.resourceVersion, status });
  }

  private async store(
    rt: ResourceType,
    next: KubeObject,
    old: KubeObject,
    { rv, status }: { rv: string | undefined; status: boolean },
  ): Promise<KubeObject> {
    if (rv && rv !== old.metadata.resourceVersion)
      throw errors.stale({ group: rt.group, resource: rt.plural, name: old.metadata.name });
    if (status) {
      validateStatus(rt, next, old);
      if (sameJson(next.status, old.status)) return old;
    } else {
      validateObject(rt, next, old, "Ignore");
      if (unchanged(next, old)) return old;
    }
    const expected = Number(old.metadata.resourceVersion);
    if (next.metadata.deletionTimestamp && (next.metadata.finalizers ?? []).length === 0) {
      await this.objects.delete(rt, next, expected);
      return next;
    }
    return this.objects.update(rt, next, expected);
  }

  /**
   * Reads, changes and writes an object, retrying on conflicts. `change` returns the object to
   * write, or undefined to leave it alone. Returns the stored object (undefined if absent).
   */
  async mutate(
    ref: ObjectRef,
    change: (current: KubeObject) => KubeObject | undefined,
    opts: WriteOptions & { status?: boolean; attempts?: number } = {},
  ): Promise<KubeObject | undefined> {
    const rt = this.type(ref.apiVersion, ref.kind);
    for (let attempt = 0; ; attempt++) {
      // The base is tried once: after a Conflict it is known to be stale.
      const current =
        attempt === 0 && opts.base ? opts.base : await this.objects.tryGet(rt, ref.namespace, ref.name);
      if (!current) return undefined;
      const next = change(opts.owned ? current : structuredClone(current));
      if (!next) return current;
      try {
        // The object just read is the base of the write: no second read.
        return await this.replace(rt, next, current, opts.status === true);
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === "Conflict") || attempt >= (opts.attempts ?? 10)) throw e;
      }
    }
  }

  /** Deletes now, or marks for deletion when the object has finalizers. Absent is fine. */
  async delete(ref: ObjectRef): Promise<void> {
    const rt = this.type(ref.apiVersion, ref.kind);
    for (let attempt = 0; attempt < 10; attempt++) {
      const live = await this.objects.tryGet(rt, ref.namespace, ref.name);
      if (!live) return;
      try {
        if ((live.metadata.finalizers ?? []).length === 0) {
          await this.objects.delete(rt, live, Number(live.metadata.resourceVersion));
        } else if (!live.metadata.deletionTimestamp) {
          live.metadata.deletionTimestamp = nowRfc3339();
          await this.objects.update(rt, live, Number(live.metadata.resourceVersion));
        }
        return;
      } catch (e) {
        if (e instanceof ApiError && e.reason === "NotFound") return;
        if (!(e instanceof ApiError && e.reason === "Conflict")) throw e;
      }
    }
  }

  /** Lists and watches a kind (all namespaces) with relist on compaction. */
  informer(apiVersion: string, kind: string, handlers: InformerHandlers): Informer {
    const rt = this.type(apiVersion, kind);
    return new Informer(this.objects.store, this.objects.prefix(rt), handlers, this.log);
  }
}

/** A base stands in for the store's copy only if it is the very version the write is based on. */
function usableBase(base: KubeObject | undefined, obj: KubeObject): base is KubeObject {
  return (
    base !== undefined &&
    base.metadata.name === obj.metadata.name &&
    base.metadata.namespace === obj.metadata.namespace &&
    obj.metadata.resourceVersion !== undefined &&
    base.metadata.resourceVersion === obj.metadata.resourceVersion
  );
}
