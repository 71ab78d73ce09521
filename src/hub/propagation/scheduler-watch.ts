// The scheduler's template informers: one per kind it may need — the kinds any policy selects,
// plus ConfigMaps, Secrets, ServiceAccounts and Namespaces (dependencies) — started when a kind
// becomes wanted and stopped when no policy selects it any more. A kind the API server does not
// serve yet (a CRD not yet established) is picked up when the registry changes. Per-kind
// informers keep the hub's busiest prefixes (Events, Leases, Works, heartbeating Clusters) out of
// the scheduler entirely.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { Informer, type InformerLogger } from "../../apiserver/controllers/informer.ts";
import type { ResourceType } from "../../apiserver/resources/resource-type.ts";

export interface TemplateWatchHandlers {
  upsert(obj: KubeObject): void;
  delete(obj: KubeObject): void;
  /** After a (re)list of a kind: every object of it. */
  synced(typeKey: string, all: KubeObject[]): void;
  /** A kind is no longer watched: forget its objects. */
  forgotten(typeKey: string): void;
}

interface Watched {
  informer: Informer;
  synced: boolean;
}

export class TemplateWatch {
  private readonly client: InternalClient;
  private readonly handlers: TemplateWatchHandlers;
  private readonly log?: InformerLogger;
  private readonly watched = new Map<string, Watched>();
  private wanted = new Set<string>();
  /** Changes of the watched set, one at a time. */
  private chain: Promise<void> = Promise.resolve();
  private readonly unsubscribe: () => void;
  private stopped = false;

  constructor(client: InternalClient, handlers: TemplateWatchHandlers, log?: InformerLogger) {
    this.client = client;
    this.handlers = handlers;
    this.log = log;
    // A CRD established (or removed) may make a wanted kind servable (or not).
    this.unsubscribe = client.registry.onChange(() => void this.want(this.wanted));
  }

  /**
   * "synced" or "syncing" for a watched kind; "unserved" for a wanted kind the API server does
   * not serve (yet: a CRD may be established after the hub starts); undefined when not wanted.
   */
  state(typeKey: string): "synced" | "syncing" | "unserved" | undefined {
    const w = this.watched.get(typeKey);
    if (w) return w.synced ? "synced" : "syncing";
    return this.wanted.has(typeKey) ? "unserved" : undefined;
  }

  /** Watches exactly these kinds (group/Kind); resolves when every one of them is listed. */
  want(typeKeys: ReadonlySet<string>): Promise<void> {
    this.wanted = new Set(typeKeys);
    this.chain = this.chain
      .then(() => this.apply())
      .catch((err) => this.log?.warn({ err: String(err) }, "template watch"));
    return this.chain;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe();
    await this.chain;
    await Promise.all([...this.watched.values()].map((w) => w.informer.stop()));
    this.watched.clear();
  }

  private resolve(typeKey: string): ResourceType | undefined {
    const slash = typeKey.indexOf("/");
    const rt = this.client.registry.byGroupKind(typeKey.slice(0, slash), typeKey.slice(slash + 1));
    return rt?.verbs.includes("watch") ? rt : undefined;
  }

  private async apply(): Promise<void> {
    if (this.stopped) return;
    const starting: Promise<void>[] = [];
    for (const typeKey of this.wanted) {
      if (this.watched.has(typeKey)) continue;
      const rt = this.resolve(typeKey);
      if (rt) starting.push(this.start(typeKey, rt));
    }
    for (const [typeKey, w] of [...this.watched]) {
      if (this.wanted.has(typeKey) && this.resolve(typeKey)) continue;
      this.watched.delete(typeKey);
      await w.informer.stop();
      this.handlers.forgotten(typeKey);
    }
    await Promise.all(starting);
  }

  private start(typeKey: string, rt: ResourceType): Promise<void> {
    const handlers = this.handlers;
    const informer = new Informer(
      this.client.objects.store,
      this.client.objects.prefix(rt),
      {
        upsert: (obj) => handlers.upsert(obj),
        delete: (obj) => handlers.delete(obj),
        synced: (all) => {
          const w = this.watched.get(typeKey);
          if (w?.informer === informer) w.synced = true;
          handlers.synced(typeKey, all);
        },
      },
      this.log,
    );
    this.watched.set(typeKey, { informer, synced: false });
    return informer.synced;
  }
}
