// Maps Kubernetes objects onto the Store: one key per object (keys.ts), the JSON body without
// resourceVersion as the value, and resourceVersion = the key's modRevision. Creates, updates
// and deletes are compare-and-swap transactions, so a stale resourceVersion is a 409 Conflict
// and nothing is half-written. A version served over another's storage is converted here, on
// the way in and out (ResourceType.conversion).
import type { KubeObject } from "../../apis/meta/types.ts";
import { type KeyValue, type Store, StoreError } from "../../storage/store.ts";
import { errors } from "../errors.ts";
import { objectKey, resourcePrefix } from "../keys.ts";
import type { ResourceType } from "../resources/resource-type.ts";
import { parseHead } from "./decode-head.ts";

export interface RangePage {
  items: KubeObject[];
  revision: number;
  /** The next key to read from, when the prefix has more keys. */
  nextKey?: string;
}

const target = (rt: ResourceType, name?: string) => ({ group: rt.group, resource: rt.plural, name });

export function decode(kv: KeyValue): KubeObject {
  const obj = JSON.parse(kv.value) as KubeObject;
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

/** Only apiVersion, kind and metadata (when a reader needs no more; see decode-head.ts). */
export function decodeHead(kv: KeyValue): KubeObject {
  const obj = parseHead<KubeObject>(kv.value);
  obj.metadata.resourceVersion = String(kv.modRevision);
  return obj;
}

export function encode(obj: KubeObject): string {
  const { resourceVersion: _rv, ...meta } = obj.metadata;
  return JSON.stringify({ ...obj, metadata: meta });
}

/** A stored object as the version `rt` serves shows it (see ResourceType.conversion). */
export function viewAs(rt: ResourceType, stored: KubeObject): KubeObject {
  return rt.conversion ? rt.conversion.fromStorage(stored) : stored;
}

const decodeAs = (rt: ResourceType, kv: KeyValue) => viewAs(rt, decode(kv));

/** Parses a resourceVersion from a client; anything but a non-negative integer is a 400. */
export function parseResourceVersion(rv: string | undefined | null, field = "resourceVersion"): number {
  if (rv === undefined || rv === null || rv === "") return 0;
  if (!/^\d+$/.test(rv)) throw errors.badRequest(`invalid ${field}: "${rv}" is not a valid resource version`);
  return Number(rv);
}

export class ObjectStore {
  readonly store: Store;

  constructor(store: Store) {
    this.store = store;
  }

  key(rt: ResourceType, namespace: string | undefined, name: string): string {
    return objectKey({ group: rt.group, resource: rt.plural }, rt.namespaced ? namespace : undefined, name);
  }

  prefix(rt: ResourceType, namespace?: string): string {
    return resourcePrefix({ group: rt.group, resource: rt.plural }, rt.namespaced ? namespace : undefined);
  }

  async get(rt: ResourceType, namespace: string | undefined, name: string): Promise<KubeObject> {
    const kv = await this.store.get(this.key(rt, namespace, name));
    if (!kv) throw errors.notFound(target(rt, name));
    return decodeAs(rt, kv);
  }

  async tryGet(
    rt: ResourceType,
    namespace: string | undefined,
    name: string,
  ): Promise<KubeObject | undefined> {
    const kv = await this.store.get(this.key(rt, namespace, name));
    return kv ? decodeAs(rt, kv) : undefined;
  }

  async create(rt: ResourceType, obj: KubeObject): Promise<KubeObject> {
    const key = this.key(rt, obj.metadata.namespace, obj.metadata.name!);
    const stored = rt.conversion ? rt.conversion.toStorage(obj) : obj;
    try {
      const r = await this.store.txn(
        [{ key, modRevision: 0 }],
        [{ type: "put", key, value: encode(stored) }],
      );
      return withRv(viewAs(rt, stored), r.revision);
    } catch (e) {
      if (e instanceof StoreError && e.code === "CompareFailed")
        throw errors.alreadyExists(target(rt, obj.metadata.name));
      throw e;
    }
  }

  /** Replaces the object if it is still at expectedRv; Conflict otherwise, NotFound if it is gone. */
  async update(rt: ResourceType, obj: KubeObject, expectedRv: number): Promise<KubeObject> {
    const key = this.key(rt, obj.metadata.namespace, obj.metadata.name!);
    const stored = rt.conversion ? rt.conversion.toStorage(obj) : obj;
    try {
      const r = await this.store.txn(
        [{ key, modRevision: expectedRv }],
        [{ type: "put", key, value: encode(stored) }],
      );
      return withRv(viewAs(rt, stored), r.revision);
    } catch (e) {
      if (e instanceof StoreError && e.code === "CompareFailed") throw staleError(rt, obj.metadata.name!, e);
      throw e;
    }
  }

  async delete(rt: ResourceType, obj: KubeObject, expectedRv: number): Promise<number> {
    const key = this.key(rt, obj.metadata.namespace, obj.metadata.name!);
    try {
      const r = await this.store.txn([{ key, modRevision: expectedRv }], [{ type: "delete", key }]);
      return r.revision;
    } catch (e) {
      if (e instanceof StoreError && e.code === "CompareFailed") throw staleError(rt, obj.metadata.name!, e);
      throw e;
    }
  }

  async range(
    rt: ResourceType,
    namespace: string | undefined,
    opts: { revision?: number; limit?: number; startKey?: string },
  ): Promise<RangePage> {
    try {
      const r = await this.store.range(this.prefix(rt, namespace), opts);
      const items = r.items.map((kv) => decodeAs(rt, kv));
      const last = r.items[r.items.length - 1];
      return { items, revision: r.revision, nextKey: r.more && last ? `${last.key}\u0000` : undefined };
    } catch (e) {
      if (e instanceof StoreError && e.code === "Compacted")
        throw errors.expired(
          `The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.`,
        );
      if (e instanceof StoreError && e.code === "FutureRevision")
        throw errors.timeout(
          `Too large resource version: ${opts.revision}, current: ${e.revision ?? "unknown"}`,
        );
      throw e;
    }
  }
}

function withRv(obj: KubeObject, rv: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}

function staleError(rt: ResourceType, name: string, e: StoreError) {
  if (e.revision === 0) return errors.notFound(target(rt, name));
  return errors.stale(target(rt, name));
}
