// The scheduler's work queue: templates marked dirty are decided by one worker, once per burst
// however many events marked them (a thousand heartbeats or a multi-document apply become one pass
// per affected template), lowest rank first — workloads before the ConfigMaps, Secrets and
// ServiceAccounts they require, and those before Namespaces — so a dependency is decided after its
// requirers. A key marked again while waiting is decided once; marked while being decided, it is
// decided again after. A failed pass is retried with backoff.
import type { Logger } from "pino";

export interface SchedulerQueueOptions {
  process(key: string): Promise<void>;
  rank(key: string): number;
  log: Pick<Logger, "warn">;
  /** First retry delay after a failed pass (doubling up to 30 s). Default 500 ms. */
  retryMs?: number;
}

const MAX_RETRY_MS = 30_000;

export class SchedulerQueue {
  private readonly opts: SchedulerQueueOptions;
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly retries = new Map<string, NodeJS.Timeout>();
  private draining?: Promise<void>;
  private started = false;
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(opts: SchedulerQueueOptions) {
    this.opts = opts;
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
    if (this.isIdle()) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.retries.values()) clearTimeout(t);
    this.retries.clear();
    this.dirty.clear();
    await this.draining;
    this.notifyIdle();
  }

  private isIdle(): boolean {
    return this.dirty.size === 0 && !this.draining && this.retries.size === 0;
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
          this.failures.delete(key);
        } catch (err) {
          this.retry(key, err);
        }
      }
    }
  }

  private retry(key: string, err: unknown): void {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const delay = Math.min((this.opts.retryMs ?? 500) * 2 ** (n - 1), MAX_RETRY_MS);
    this.opts.log.warn(
      { template: key, err: err instanceof Error ? err.message : String(err), retryInMs: delay },
      "scheduling failed; retrying",
    );
    if (this.stopped) return;
    clearTimeout(this.retries.get(key));
    const t = setTimeout(() => {
      this.retries.delete(key);
      this.add(key);
      this.notifyIdle();
    }, delay);
    t.unref();
    this.retries.set(key, t);
  }

  private notifyIdle(): void {
    if (!this.isIdle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
