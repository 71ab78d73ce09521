// A binary min-heap ordered by a numeric key (a due time): the one behind every "one timer for
// many deadlines" queue (cluster heartbeat deadlines and push polls, Event expiry, the simulated
// fleet's periodic tasks). Callers that reschedule leave stale entries behind and skip them when
// they surface; retain() drops them all at once in O(n).
export class MinHeap<T> {
  private items: T[] = [];
  private readonly key: (item: T) => number;

  constructor(key: (item: T) => number) {
    this.key = key;
  }

  get size(): number {
    return this.items.length;
  }

  /** The item with the smallest key, left in place. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    const h = this.items;
    h.push(item);
    let i = h.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.key(h[parent]) <= this.key(h[i])) break;
      [h[parent], h[i]] = [h[i], h[parent]];
      i = parent;
    }
  }

  /** Removes and returns the item with the smallest key. */
  pop(): T | undefined {
    const h = this.items;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last !== undefined) {
      h[0] = last;
      this.down(0);
    }
    return top;
  }

  /** Keeps only the items `keep` accepts. */
  retain(keep: (item: T) => boolean): void {
    this.items = this.items.filter(keep);
    for (let i = (this.items.length >> 1) - 1; i >= 0; i--) this.down(i);
  }

  clear(): void {
    this.items = [];
  }

  private down(i: number): void {
    const h = this.items;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && this.key(h[l]) < this.key(h[m])) m = l;
      if (r < h.length && this.key(h[r]) < this.key(h[m])) m = r;
      if (m === i) return;
      [h[m], h[i]] = [h[i], h[m]];
      i = m;
    }
  }
}
