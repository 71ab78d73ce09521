// The hub controllers' event recorder: record() never waits and never throws, so a controller's
// pass costs no event write and no event failure fails it. Events go through the correlator
// (similar ones combined) and are written by a few workers, each as record.ts does it (identical
// repeats counted). At most `maxPending` wait: beyond that new events are dropped and counted,
// as Kubernetes' broadcaster drops them when its queue is full — events are best effort, and a
// storm of them must not grow the hub's memory or starve its other writes.
import type { Logger } from "pino";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { type CorrelatorOptions, EventCorrelator } from "./correlator.ts";
import { type EventSpec, recordEvent } from "./record.ts";

export interface EventRecorderOptions {
  client: InternalClient;
  /** The reporting component, e.g. "mcp-scheduler". */
  component: string;
  log: Logger;
  /** Events waiting to be written before new ones are dropped. Default 1000. */
  maxPending?: number;
  /** Events written at once. Default 2. */
  concurrency?: number;
  correlator?: CorrelatorOptions;
  now?: () => Date;
}

export type EventInput = Omit<EventSpec, "component" | "combined">;

/** How often a run of dropped events is logged. */
const DROP_LOG_MS = 10_000;

export class EventRecorder {
  private readonly opts: EventRecorderOptions;
  private readonly correlator: EventCorrelator;
  private readonly pending: { spec: EventSpec; at: Date }[] = [];
  private readonly now: () => Date;
  private running = 0;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];
  private lastDropLog = 0;
  /** Events dropped because the queue was full (or the recorder stopped). */
  dropped = 0;

  constructor(opts: EventRecorderOptions) {
    this.opts = opts;
    this.now = opts.now ?? (() => new Date());
    this.correlator = new EventCorrelator(opts.correlator);
  }

  record(event: EventInput): void {
    if (this.stopped || this.pending.length >= (this.opts.maxPending ?? 1000)) {
      this.drop(event);
      return;
    }
    const at = this.now();
    const spec = this.correlator.correlate({ ...event, component: this.opts.component }, at.getTime());
    this.pending.push({ spec, at });
    this.pump();
  }

  /** Resolves once every event recorded so far is written (or failed). */
  flush(): Promise<void> {
    if (this.pending.length === 0 && this.running === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Drops what waits, and waits for the writes in flight. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.dropped += this.pending.length;
    this.pending.length = 0;
    await this.flush();
  }

  private drop(event: EventInput): void {
    this.dropped++;
    const now = Date.now();
    if (now - this.lastDropLog < DROP_LOG_MS) return;
    this.lastDropLog = now;
    this.opts.log.warn(
      { dropped: this.dropped, reason: event.reason, object: event.involved.metadata.name },
      "event queue full; events dropped",
    );
  }

  private pump(): void {
    while (this.running < (this.opts.concurrency ?? 2) && this.pending.length > 0) {
      const next = this.pending.shift()!;
      this.running++;
      recordEvent(this.opts.client, next.spec, next.at)
        .catch((err) =>
          this.opts.log.debug(
            { err: String(err), reason: next.spec.reason, object: next.spec.involved.metadata.name },
            "event not recorded",
          ),
        )
        .finally(() => {
          this.running--;
          this.pump();
          if (this.running === 0 && this.pending.length === 0) {
            const waiters = this.idleWaiters;
            this.idleWaiters = [];
            for (const w of waiters) w();
          }
        });
    }
  }
}
