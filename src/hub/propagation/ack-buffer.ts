// Acks wait while the work builder is busy. A template change at 1,000 clusters is 1,000 Work
// writes, and the first members' acks arrive while the builder is still writing the rest: written
// at once, each ack (and the status pass it sets off) takes its turn on the event loop ahead of
// the Works still to go out. Here an ack is accepted at once (the agent's stream is not held up)
// and written once the builder has nothing queued, or after `maxDelayMs` at the latest. A newer
// ack from the same cluster replaces one not written yet: each ack carries the whole status, so
// only the last one matters, and a burst costs one write per cluster.
import type { Logger } from "pino";
import type { Ack } from "./work-status.ts";

export interface AckBufferOptions {
  write(cluster: string, ack: Ack): Promise<void>;
  /** True while propagation work is queued or running: acks wait. */
  busy(): boolean;
  log: Logger;
  /** The longest an ack waits for the builder. Default 1 s. */
  maxDelayMs?: number;
  /** How often a waiting ack looks at the builder again. Default 25 ms. */
  pollMs?: number;
  /** Ack writes at once. Default 16. */
  concurrency?: number;
  now?: () => number;
}

interface Waiting {
  ack: Ack;
  /** When the oldest ack this one replaced arrived. */
  since: number;
}

export class AckBuffer {
  private readonly opts: AckBufferOptions;
  private readonly now: () => number;
  private readonly waiting = new Map<string, Waiting>();
  /** Clusters whose ack is being written (a newer one waits for it: writes stay in order). */
  private readonly writing = new Set<string>();
  private timer?: NodeJS.Timeout;
  private drained: (() => void)[] = [];
  private stopped = false;

  constructor(opts: AckBufferOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
  }

  /** Acks accepted and not written yet. */
  get size(): number {
    return this.waiting.size + this.writing.size;
  }

  add(cluster: string, ack: Ack): void {
    if (this.stopped) return;
    const before = this.waiting.get(cluster);
    this.waiting.set(cluster, { ack, since: before?.since ?? this.now() });
    this.schedule(0);
  }

  /** Resolves once every accepted ack is written (tests, shutdown). */
  idle(): Promise<void> {
    if (this.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.drained.push(resolve));
  }

  /** Writes what was accepted, without waiting for the builder, and takes no more. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pump(true);
    await this.idle();
  }

  private schedule(delayMs: number): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump(false);
    }, delayMs);
  }

  private pump(force: boolean): void {
    const max = this.opts.concurrency ?? 16;
    const limit = this.now() - (this.opts.maxDelayMs ?? 1000);
    const free = force || !this.opts.busy();
    for (const [cluster, w] of this.waiting) {
      if (this.writing.size >= max) break;
      if (this.writing.has(cluster) || (!free && w.since > limit)) continue;
      this.waiting.delete(cluster);
      this.writing.add(cluster);
      this.opts
        .write(cluster, w.ack)
        .catch((e: unknown) =>
          this.opts.log.warn(
            { cluster, revision: w.ack.revision, err: (e as Error).message },
            "cannot record a Work ack",
          ),
        )
        .finally(() => {
          this.writing.delete(cluster);
          this.pump(force || this.stopped);
        });
    }
    // Left waiting (the builder busy, a write of the same cluster in flight): look again soon.
    if (this.waiting.size > 0) this.schedule(this.opts.pollMs ?? 25);
    if (this.size === 0) for (const r of this.drained.splice(0)) r();
  }
}
