// The templates bindings point at, for any kind: one informer per kind, started the first time a
// binding names the kind (a kind not served yet — a CRD still being established — is retried).
// A change is reported only when what a member would get changes: a status write (the status
// controller sums members' replicas onto the template) or a resourceVersion bump alone is not a
// change, so it never wakes the work builder.
import { createHash } from "node:crypto";
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { Informer } from "../../apiserver/controllers/informer.ts";
import { manifestKey } from "../../propagation/identity.ts";
import { groupOf } from "../../propagation/pod-spec.ts";
import { manifestContent, renderTemplate } from "../../propagation/render.ts";

export interface TemplateEvents {
  /** A template's member-visible content changed, it appeared or it went away (`key`: manifestKey). */
  templateChanged(key: string): void;
  /** A kind's first list is in: templates of that kind can be read. */
  kindSynced(kind: string): void;
}

interface KindState {
  informer?: Informer;
  synced: boolean;
  /** manifestKey → object (for every object of the kind). */
  objects: Map<string, { obj: KubeObject; signature: string }>;
}

const RETRY_MS = 2_000;

/** "group/Kind": templates are one object whatever version they are read at. */
export const kindKey = (ref: { apiVersion: string; kind: string }) =>
  `${groupOf(ref.apiVersion)}/${ref.kind}`;

/** A digest of what a member would get (kept instead of the text: one per watched object). */
function signature(obj: KubeObject): string {
  return createHash("sha256")
    .update(manifestContent(renderTemplate(obj)))
    .update(obj.metadata.deletionTimestamp ? "\0deleting" : "")
    .digest("base64");
}

export class TemplateCache {
  private readonly client: InternalClient;
  private readonly log: Logger;
  private readonly events: TemplateEvents;
  private readonly kinds = new Map<string, KindState>();
  private readonly retry = new Map<string, NodeJS.Timeout>();
  private stopped = false;

  constructor(client: InternalClient, log: Logger, events: TemplateEvents) {
    this.client = client;
    this.log = log;
    this.events = events;
  }

  /** Starts watching the kind of `ref` if not yet; true once its templates can be read. */
  ensure(ref: { apiVersion: string; kind: string }): boolean {
    const k = kindKey(ref);
    let state = this.kinds.get(k);
    if (!state) {
      state = { synced: false, objects: new Map() };
      this.kinds.set(k, state);
      this.start(k, ref.apiVersion, ref.kind, state);
    }
    return state.synced;
  }

  /** The template (undefined when absent, or when its kind is not synced yet). */
  get(ref: { apiVersion: string; kind: string; namespace?: string; name: string }): KubeObject | undefined {
    return this.kinds.get(kindKey(ref))?.objects.get(manifestKey(ref))?.obj;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retry.values()) clearTimeout(t);
    await Promise.all([...this.kinds.values()].map((s) => s.informer?.stop()));
  }

  private start(k: string, apiVersion: string, kind: string, state: KindState): void {
    if (this.stopped) return;
    try {
      state.informer = this.client.informer(apiVersion, kind, {
        upsert: (obj) => this.upsert(state, obj),
        delete: (obj) => {
          const key = manifestKey(obj);
          if (state.objects.delete(key)) this.events.templateChanged(key);
        },
        synced: (all) => {
          const present = new Set(all.map((o) => manifestKey(o)));
          for (const key of [...state.objects.keys()])
            if (!present.has(key)) {
              state.objects.delete(key);
              this.events.templateChanged(key);
            }
        },
      });
      void state.informer.synced.then(() => {
        state.synced = true;
        this.events.kindSynced(k);
      });
    } catch (e) {
      // The kind is not served (yet): a CRD being established, or a binding to a kind that is gone.
      this.log.warn(
        { kind: k, err: (e as Error).message },
        "cannot watch templates of this kind yet; retrying",
      );
      const t = setTimeout(() => {
        this.retry.delete(k);
        this.start(k, apiVersion, kind, state);
      }, RETRY_MS);
      t.unref();
      this.retry.set(k, t);
    }
  }

  private upsert(state: KindState, obj: KubeObject): void {
    const key = manifestKey(obj);
    const sig = signature(obj);
    const prev = state.objects.get(key);
    state.objects.set(key, { obj, signature: sig });
    if (prev?.signature !== sig) this.events.templateChanged(key);
  }
}
