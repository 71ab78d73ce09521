// A minimal informer over the Store: lists a key prefix, then watches from the list's revision,
// relisting when the watch reports Compacted (it never silently restarts from "now", which
// would lose events). Handlers see every object once on (re)list and every change after.
import type { KubeObject } from "../../apis/meta/types.ts";
import { type KeyValue, type Store, StoreError } from "../../storage/store.ts";
import { decode } from "../registry/object-store.ts";

export interface InformerHandlers {
  /** Called for every object on each (re)list, and for creates and updates. */
  upsert(obj: KubeObject): Promise<void> | void;
  delete?(obj: KubeObject): Promise<void> | void;
  /** After a (re)list: the full current set, so handlers can forget what vanished meanwhile. */
  synced?(all: KubeObject[]): Promise<void> | void;
}

export interface InformerLogger {
  warn(obj: object, msg: string): void;
}

/** How stored values become objects: decode (whole), or decodeHead for readers of metadata only. */
export type Decoder = (kv: KeyValue) => KubeObject;

export class Informer {
  private readonly store: Store;
  private readonly prefix: string;
  private readonly handlers: InformerHandlers;
  private readonly log?: InformerLogger;
  private readonly decode: Decoder;
  private readonly ac = new AbortController();
  private readonly done: Promise<void>;
  private resolveSynced!: () => void;
  /** Resolves after the first list has been handled. */
  readonly synced = new Promise<void>((r) => {
    this.resolveSynced = r;
  });

  constructor(
    store: Store,
    prefix: string,
    handlers: InformerHandlers,
    log?: InformerLogger,
    decoder: Decoder = decode,
  ) {
    this.store = store;
    this.prefix = prefix;
    this.handlers = handlers;
    this.log = log;
    this.decode = decoder;
    this.done = this.run();
  }

  private async run(): Promise<void> {
    while (!this.ac.signal.aborted) {
      try {
        const r = await this.store.range(this.prefix);
        const all = r.items.map(this.decode);
        for (const o of all) await this.safely(() => this.handlers.upsert(o));
        await this.safely(() => this.handlers.synced?.(all));
        this.resolveSynced();
        const w = this.store.watch(this.prefix, { afterRevision: r.revision, signal: this.ac.signal });
        for await (const ev of w.events) {
          if (ev.type === "put") await this.safely(() => this.handlers.upsert(this.decode(ev.kv)));
          else if (ev.prevKv) {
            const prev = this.decode(ev.prevKv);
            await this.safely(() => this.handlers.delete?.(prev));
          }
        }
      } catch (e) {
        if (e instanceof StoreError && e.code === "Closed") return;
        if (!(e instanceof StoreError && e.code === "Compacted")) {
          this.log?.warn({ err: String(e), prefix: this.prefix }, "informer failed; relisting");
          await new Promise((r) => setTimeout(r, 500));
        }
      }
    }
  }

  private async safely(fn: () => Promise<void> | void): Promise<void> {
    try {
      await fn();
    } catch (e) {
      this.log?.warn({ err: String(e), prefix: this.prefix }, "informer handler failed");
    }
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await this.done;
  }
}
