// One timer for many deadlines (every cluster's heartbeat deadline, every push cluster's next
// poll): a min-heap of (time, key) with a single setTimeout armed for the earliest. Rescheduling
// a key is O(log n) and leaves its old entry behind to be skipped when it surfaces, so a
// heartbeat costs no timer churn; the heap is rebuilt when stale entries pile up. A thousand
// clusters at a 10 s interval are a hundred cheap pushes a second and one live timer.
import { MinHeap } from "../../util/min-heap.ts";

interface Entry {
  at: number;
  key: string;
  seq: number;
}

export class DeadlineQueue {
  private readonly heap = new MinHeap<Entry>((e) => e.at);
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
    this.heap.push({ at, key, seq });
    if (this.heap.size > 2 * this.live.size + 64) this.heap.retain((e) => !this.isStale(e));
    if (at < this.armedAt) this.arm();
  }

  cancel(key: string): void {
    this.live.delete(key);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.heap.clear();
    this.live.clear();
  }

  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.armedAt = Number.POSITIVE_INFINITY;
    this.dropStale();
    const top = this.heap.peek();
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
    for (this.dropStale(); (this.heap.peek()?.at ?? Number.POSITIVE_INFINITY) <= now; this.dropStale()) {
      const e = this.heap.pop()!;
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
    for (let top = this.heap.peek(); top && this.isStale(top); top = this.heap.peek()) this.heap.pop();
  }
}
