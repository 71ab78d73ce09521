// One timer for many deadlines (every cluster's heartbeat deadline, every push cluster's next
// poll): a min-heap of (time, key) with a single setTimeout armed for the earliest. Rescheduling
// a key is O(log n) and leaves its old entry behind to be skipped when it surfaces, so a
// heartbeat costs no timer churn; the heap is rebuilt when stale entries pile up. A thousand
// clusters at a 10 s interval are a hundred cheap pushes a second and one live timer.

interface Entry {
  at: number;
  key: string;
  seq: number;
}

export class DeadlineQueue {
  private heap: Entry[] = [];
  private readonly live = new Map<string, { at: number; seq: number }>();
  private seq = 0;
  private timer?: NodeJS.Timeout;
  private armedAt = Number.POSITIVE_INFINITY;
  private stopped = false;
  private readonly fire: (key: string) => void;
  private readonly now: () => number;

  /** `fire` runs once per key whose deadline passed (and was not rescheduled or cancelled). */
  constructor(fire: (key: string) => void, now: () => number = Date.now) {
    this.fire = fire;
    this.now = now;
  }

  get size(): number {
    return this.live.size;
  }

  /** When `key` is due, if scheduled. */
  due(key: string): number | undefined {
    return this.live.get(key)?.at;
  }

  /** Sets (or moves) the deadline of `key` to `at` (ms since the epoch). */
  schedule(key: string, at: number): void {
    if (this.stopped) return;
    const seq = ++this.seq;
    this.live.set(key, { at, seq });
    this.push({ at, key, seq });
    if (this.heap.length > 2 * this.live.size + 64) this.rebuild();
    if (at < this.armedAt) this.arm();
  }

  cancel(key: string): void {
    this.live.delete(key);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.heap = [];
    this.live.clear();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    this.dropStale();
    const top = this.heap[0];
    if (!top || this.stopped) return;
    this.armedAt = top.at;
    // setTimeout's longest delay is about 24.8 days; further deadlines are re-armed on the way.
    const delay = Math.min(Math.max(0, top.at - this.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => this.run(), delay);
    this.timer.unref();
  }

  private run(): void {
    this.armedAt = Number.POSITIVE_INFINITY;
    const now = this.now();
    const dueKeys: string[] = [];
    for (this.dropStale(); this.heap.length > 0 && this.heap[0].at <= now; this.dropStale()) {
      const e = this.pop()!;
      this.live.delete(e.key);
      dueKeys.push(e.key);
    }
    for (const key of dueKeys) this.fire(key);
    this.arm();
  }

  private isStale(e: Entry): boolean {
    return this.live.get(e.key)?.seq !== e.seq;
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.isStale(this.heap[0])) this.pop();
  }

  private rebuild(): void {
    this.heap = this.heap.filter((e) => !this.isStale(e));
    for (let i = (this.heap.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private push(e: Entry): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (h[parent].at <= h[i].at) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  private pop(): Entry | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }

  private down(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l].at < h[m].at) m = l;
      if (r < h.length && h[r].at < h[m].at) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}
