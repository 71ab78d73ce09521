// The scheduler's work queue: templates marked dirty are decided by one worker, once per burst
// however many events marked them (a thousand heartbeats or a multi-document apply become one pass
// per affected template), lowest rank first — workloads before the ConfigMaps, Secrets and
// ServiceAccounts they require, and those before Namespaces — so a dependency is decided after its
// requirers. A key marked again while waiting is decided once; marked while being decided, it is
// decided again after. A failed pass is retried with backoff.
import type { Logger } from "pino";
import { IdleWaiters, RetryBackoff } from "./queue-retry.ts";

export interface SchedulerQueueOptions {
  process(key: string): Promise<void>;
  rank(key: string): number;
  log: Pick<Logger, "warn">;
  /** First retry delay after a failed pass (doubling up to 30 s). Default 500 ms. */
  retryMs?: number;
}

export class SchedulerQueue {
  private readonly opts: SchedulerQueueOptions;
  private readonly dirty = new Set<string>();
  private readonly retries: RetryBackoff;
  private readonly idleWaiters = new IdleWaiters();
  private draining?: Promise<void>;
  private started = false;
  private stopped = false;

  constructor(opts: SchedulerQueueOptions) {
    this.opts = opts;
    this.retries = new RetryBackoff(opts.retryMs);
  }

  add(key: string): void {
    if (this.stopped) return;
    this.dirty.add(key);
    this.kick();
  }

  /** Starts processing (keys added before wait for it); resolves when the first drain is done. */
  async start(): Promise<void> {
    this.started = true;
    this.kick();
    await this.draining;
  }

  /** Resolves once nothing is dirty, being decided or waiting for a retry. */
  idle(): Promise<void> {
    return this.idleWaiters.wait(this.isIdle());
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.retries.cancel();
    this.dirty.clear();
    await this.draining;
    this.notifyIdle();
  }

  private isIdle(): boolean {
    return this.dirty.size === 0 && !this.draining && this.retries.waiting === 0;
  }

  private kick(): void {
    if (!this.started || this.stopped || this.draining) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      if (this.dirty.size > 0 && !this.stopped) this.kick();
      else this.notifyIdle();
    });
  }

  private async drain(): Promise<void> {
    // Let the rest of a burst of events land first.
    await new Promise((r) => setImmediate(r));
    while (this.dirty.size > 0 && !this.stopped) {
      const batch = [...this.dirty].sort(
        (a, b) => this.opts.rank(a) - this.opts.rank(b) || (a < b ? -1 : a > b ? 1 : 0),
      );
      for (const key of batch) {
        if (this.stopped) return;
        // Taken out just before its pass: marked again during it, it is decided again next round.
        this.dirty.delete(key);
        try {
          await this.opts.process(key);
          this.retries.succeeded(key);
        } catch (err) {
          this.retry(key, err);
        }
      }
    }
  }

  private retry(key: string, err: unknown): void {
    const delay = this.retries.failed(key);
    this.opts.log.warn(
      { template: key, err: err instanceof Error ? err.message : String(err), retryInMs: delay },
      "scheduling failed; retrying",
    );
    if (this.stopped) return;
    this.retries.schedule(key, delay, () => {
      this.add(key);
      this.notifyIdle();
    });
  }

  private notifyIdle(): void {
    this.idleWaiters.notify(this.isIdle());
  }
}
