// A coalescing work queue: keys (clusters, bindings) are marked dirty, and a few workers process
// each dirty key once, however many times it was marked meanwhile — a burst of template changes
// becomes one pass per cluster. A key is never processed twice at once; marked again while being
// processed, it runs again after. A short delay before a key's pass lets the rest of a burst
// (a multi-document apply) land in the same pass. A failing pass is retried with backoff.
//
// Each key remembers when it was first marked since its last pass, so the work builder can
// measure propagation latency from the change it carries.
import type { Logger } from "pino";
import { IdleWaiters, RetryBackoff } from "./queue-retry.ts";

export interface DirtyQueueOptions {
  /** One pass over a key; `since` is when the key was first marked since its last pass. */
  process(key: string, since: number): Promise<void>;
  log: Logger;
  /** Passes at once. Default 4. */
  concurrency?: number;
  /** Wait after a key is first marked before its pass. Default 0. */
  delayMs?: number;
  /** First retry delay after a failed pass (doubling up to 30 s). Default 500 ms. */
  retryMs?: number;
  now?: () => number;
}

export class DirtyQueue {
  private readonly opts: DirtyQueueOptions;
  private readonly now: () => number;
  /** Dirty keys and when each was first marked, in marking order. */
  private readonly pending = new Map<string, number>();
  private readonly running = new Set<string>();
  /** Keys marked while running: when they were first marked. */
  private readonly again = new Map<string, number>();
  private readonly retries: RetryBackoff;
  private readonly idleWaiters = new IdleWaiters();
  private timer?: NodeJS.Timeout;
  private stopped = false;

  constructor(opts: DirtyQueueOptions) {
    this.opts = opts;
    this.now = opts.now ?? Date.now;
    this.retries = new RetryBackoff(opts.retryMs);
  }

  /** Dirty or running keys. */
  get size(): number {
    return new Set([...this.pending.keys(), ...this.running]).size;
  }

  add(key: string, at = this.now()): void {
    if (this.stopped) return;
    if (this.running.has(key)) {
      this.again.set(key, Math.min(this.again.get(key) ?? at, at));
      return;
    }
    const first = this.pending.get(key);
    this.pending.set(key, first === undefined ? at : Math.min(first, at));
    this.schedule();
  }

  /** Resolves once nothing is dirty, running or waiting for a retry (tests, shutdown). */
  idle(): Promise<void> {
    return this.idleWaiters.wait(this.isIdle());
  }

  stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.retries.cancel();
    this.pending.clear();
    this.again.clear();
    return this.running.size === 0 ? Promise.resolve() : this.idle();
  }

  private isIdle(): boolean {
    return this.pending.size === 0 && this.running.size === 0 && this.retries.waiting === 0;
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    const delay = this.opts.delayMs ?? 0;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pump();
    }, delay);
  }

  private pump(): void {
    const max = this.opts.concurrency ?? 4;
    const delay = this.opts.delayMs ?? 0;
    const now = this.now();
    for (const [key, since] of this.pending) {
      if (this.running.size >= max) break;
      if (this.running.has(key)) continue;
      if (since + delay > now) {
        // Not yet ripe: a burst on this key may still be landing.
        this.timer ??= setTimeout(
          () => {
            this.timer = undefined;
            this.pump();
          },
          since + delay - now,
        );
        continue;
      }
      this.pending.delete(key);
      this.run(key, since);
    }
    this.notifyIdle();
  }

  private run(key: string, since: number): void {
    this.running.add(key);
    this.opts
      .process(key, since)
      .then(
        () => this.retries.succeeded(key),
        (err: unknown) => this.retry(key, since, err),
      )
      .finally(() => {
        this.running.delete(key);
        const again = this.again.get(key);
        if (again !== undefined) {
          this.again.delete(key);
          if (!this.stopped) this.pending.set(key, Math.min(this.pending.get(key) ?? again, again));
        }
        if (!this.stopped) this.pump();
        this.notifyIdle();
      });
  }

  private retry(key: string, since: number, err: unknown): void {
    if (this.stopped) return; // aborted by the shutdown: nothing to retry
    const delay = this.retries.failed(key);
    this.opts.log.warn(
      { key, err: err instanceof Error ? err.message : String(err), retryInMs: delay },
      "pass failed",
    );
    this.retries.schedule(key, delay, () => {
      this.add(key, since);
      this.notifyIdle();
    });
  }

  private notifyIdle(): void {
    this.idleWaiters.notify(this.isIdle());
  }
}
