// The namespace controller: a namespace marked for deletion is emptied (every namespaced kind
// the server serves), then removed. Objects with finalizers are marked and waited for.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { Store } from "../../storage/store.ts";
import { nowRfc3339 } from "../handlers/prepare.ts";
import { resourcePrefix } from "../keys.ts";
import { decode, ObjectStore } from "../registry/object-store.ts";
import type { ResourceRegistry } from "../resources/registry.ts";
import { Informer, type InformerLogger } from "./informer.ts";

const RETRY_MS = 1000;

export function startNamespaceController(
  store: Store,
  registry: ResourceRegistry,
  log?: InformerLogger,
): Informer {
  const objects = new ObjectStore(store);
  const pending = new Map<string, NodeJS.Timeout>();
  const nsType = () => registry.lookup("", "v1", "namespaces")!;

  const finalize = async (ns: KubeObject): Promise<void> => {
    const name = ns.metadata.name!;
    pending.delete(name);
    let remaining = 0;
    const seen = new Set<string>();
    for (const rt of registry.all()) {
      if (!rt.namespaced) continue;
      const prefix = resourcePrefix({ group: rt.group, resource: rt.plural }, name);
      if (seen.has(prefix)) continue;
      seen.add(prefix);
      const r = await store.range(prefix);
      for (const kv of r.items) {
        remaining++;
        const obj = decode(kv);
        if ((obj.metadata.finalizers ?? []).length === 0) {
          await store
            .txn([{ key: kv.key, modRevision: kv.modRevision }], [{ type: "delete", key: kv.key }])
            .catch(() => {});
        } else if (!obj.metadata.deletionTimestamp) {
          obj.metadata.deletionTimestamp = nowRfc3339();
          await objects.update(rt, obj, kv.modRevision).catch(() => {});
        }
      }
    }
    const current = await objects.tryGet(nsType(), undefined, name);
    if (!current?.metadata.deletionTimestamp) return;
    if (remaining === 0 && (current.metadata.finalizers ?? []).length === 0) {
      await objects.delete(nsType(), current, Number(current.metadata.resourceVersion)).catch(() => {});
      return;
    }
    pending.set(
      name,
      setTimeout(() => void finalize(current).catch(() => {}), RETRY_MS),
    );
  };

  const informer = new Informer(
    store,
    resourcePrefix({ group: "", resource: "namespaces" }),
    {
      async upsert(ns) {
        if (!ns.metadata.deletionTimestamp || pending.has(ns.metadata.name!)) return;
        await finalize(ns);
      },
      delete(ns) {
        clearTimeout(pending.get(ns.metadata.name!));
        pending.delete(ns.metadata.name!);
      },
    },
    log,
  );
  const stop = informer.stop.bind(informer);
  informer.stop = async () => {
    for (const t of pending.values()) clearTimeout(t);
    await stop();
  };
  return informer;
}
