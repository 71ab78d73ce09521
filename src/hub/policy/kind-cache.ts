// An informer-fed, in-memory copy of one kind at the hub (Namespaces, Clusters, policies), so the
// admission path reads labels without a store round trip. Listeners hear of every change after
// the first list.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";

export type ChangeListener = (obj: KubeObject, deleted: boolean) => void;

export class KindCache {
  private readonly objects = new Map<string, KubeObject>();
  private readonly listeners: ChangeListener[] = [];
  private readonly informer: ReturnType<InternalClient["informer"]>;
  readonly synced: Promise<void>;

  constructor(client: InternalClient, apiVersion: string, kind: string) {
    const key = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
    this.informer = client.informer(apiVersion, kind, {
      upsert: (o) => {
        this.objects.set(key(o), o);
        for (const l of this.listeners) l(o, false);
      },
      delete: (o) => {
        this.objects.delete(key(o));
        for (const l of this.listeners) l(o, true);
      },
      synced: (all) => {
        const live = new Set(all.map(key));
        for (const [k, o] of this.objects)
          if (!live.has(k)) {
            this.objects.delete(k);
            for (const l of this.listeners) l(o, true);
          }
      },
    });
    this.synced = this.informer.synced;
  }

  get(name: string, namespace = ""): KubeObject | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  all(): KubeObject[] {
    return [...this.objects.values()];
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  /**
   * Listens only to changes of what `key` reads (e.g. a Cluster's labels, not its heartbeats):
   * called when an object appears, disappears, or its key changes.
   */
  onChangeOf(key: (obj: KubeObject) => string, listener: ChangeListener): void {
    const last = new Map<string, string>();
    this.onChange((o, deleted) => {
      const id = `${o.metadata.namespace ?? ""}/${o.metadata.name ?? ""}`;
      if (deleted) {
        last.delete(id);
        return listener(o, true);
      }
      const k = key(o);
      if (last.get(id) === k) return;
      last.set(id, k);
      listener(o, false);
    });
  }

  stop(): Promise<void> {
    return this.informer.stop();
  }
}
