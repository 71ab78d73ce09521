// The work queue every simulated controller drains, shaped like client-go's workqueue: a key
// added many times is processed once; a key added while it is being processed is processed
// again afterwards; delayed adds (a pod due to start, a crash-loop back-off) share one timer per
// queue; failures retry with per-key exponential back-off. One worker per queue: a thousand
// clusters already give plenty of concurrency, and a controller never races itself on a key.

export type Reconcile = (key: string) => Promise<void>;

export interface QueueOptions {
  /** Called when reconcile throws; the key is retried with back-off. */
  onError?(key: string, err: unknown, attempt: number): void;
  baseBackoffMs?: number;
  maxBackoffMs?: number;
}

export class WorkQueue {
  private readonly reconcile: Reconcile;
  private readonly opts: QueueOptions;
  /** Keys ready to process, in arrival order. */
  private readonly ready = new Set<string>();
  /** Keys added again while being processed. */
  private readonly dirty = new Set<string>();
  /** Key → when it is due (epoch ms). */
  private readonly delayed = new Map<string, number>();
  private readonly failures = new Map<string, number>();
  private current?: string;
  private timer?: NodeJS.Timeout;
  private timerDue = Number.POSITIVE_INFINITY;
  private draining?: Promise<void>;
  private started = false;
  private stopped = false;

  constructor(reconcile: Reconcile, opts: QueueOptions = {}) {
    this.reconcile = reconcile;
    this.opts = opts;
  }

  /** Keys are only collected until start(), so workers begin with complete caches. */
  start(): void {
    this.started = true;
    this.kick();
  }

  get length(): number {
    return this.ready.size + this.delayed.size;
  }

  add(key: string): void {
    if (this.stopped) return;
    if (key === this.current) this.dirty.add(key);
    else this.ready.add(key);
    this.kick();
  }

  /** Processes `key` after `ms`, unless it is already due sooner. */
  addAfter(key: string, ms: number): void {
    if (this.stopped) return;
    if (ms <= 0) {
      this.add(key);
      return;
    }
    const due = Date.now() + ms;
    const existing = this.delayed.get(key);
    if (existing !== undefined && existing <= due) return;
    this.delayed.set(key, due);
    if (due < this.timerDue) this.arm(due);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.ready.clear();
    this.delayed.clear();
    await this.draining;
  }

  private arm(due: number): void {
    clearTimeout(this.timer);
    this.timerDue = due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, due - Date.now()));
    // The cluster's lifetime is governed by its signal, not by pending timers.
    this.timer.unref();
  }

  private fire(): void {
    this.timerDue = Number.POSITIVE_INFINITY;
    const now = Date.now();
    let next = Number.POSITIVE_INFINITY;
    for (const [key, due] of this.delayed) {
      if (due <= now) {
        this.delayed.delete(key);
        this.add(key);
      } else if (due < next) next = due;
    }
    if (next < Number.POSITIVE_INFINITY) this.arm(next);
  }

  private kick(): void {
    if (!this.started || this.stopped || this.draining || this.ready.size === 0) return;
    this.draining = this.drain().finally(() => {
      this.draining = undefined;
      this.kick();
    });
  }

  private async drain(): Promise<void> {
    for (const key of this.ready) {
      if (this.stopped) return;
      this.ready.delete(key);
      this.current = key;
      try {
        await this.reconcile(key);
        this.failures.delete(key);
      } catch (e) {
        const attempt = (this.failures.get(key) ?? 0) + 1;
        this.failures.set(key, attempt);
        this.opts.onError?.(key, e, attempt);
        const base = this.opts.baseBackoffMs ?? 20;
        this.addAfter(key, Math.min(this.opts.maxBackoffMs ?? 5000, base * 2 ** (attempt - 1)));
      } finally {
        this.current = undefined;
      }
      if (this.dirty.delete(key)) this.ready.add(key);
    }
  }
}
