// The expiry controller's index: every Event's store key with the revision it was seen at and
// when it expires, and a min-heap by expiry time, so the next expiry is known without scanning and
// a sweep touches only what is due. An Event rewritten (a repeat bumping its count) gets a new
// heap entry; the old one is skipped when it comes up (its revision no longer matches) and the
// heap is rebuilt once such stale entries outnumber the live ones, so memory stays proportional to
// the Events stored.
import { MinHeap } from "../../util/min-heap.ts";

export interface IndexedEvent {
  key: string;
  /** The store revision (modRevision) the expiry was computed from. */
  rev: number;
  /** When it expires, in epoch ms. */
  at: number;
}

export class ExpiryIndex {
  private readonly live = new Map<string, IndexedEvent>();
  private readonly heap = new MinHeap<IndexedEvent>((e) => e.at);

  get size(): number {
    return this.live.size;
  }

  set(e: IndexedEvent): void {
    this.live.set(e.key, e);
    this.heap.push(e);
    if (this.heap.size > 2 * this.live.size + 1024) this.rebuild();
  }

  /** Forgets the key; with `rev`, only if it is still at that revision (not rewritten since). */
  delete(key: string, rev?: number): void {
    if (rev === undefined || this.live.get(key)?.rev === rev) this.live.delete(key);
  }

  /** Of the keys under `prefix`, keeps only these (after a relist of that prefix). */
  retain(prefix: string, keys: Set<string>): void {
    for (const k of this.live.keys()) if (k.startsWith(prefix) && !keys.has(k)) this.live.delete(k);
    this.rebuild();
  }

  /** The earliest expiry, or undefined when nothing is indexed. */
  next(): number | undefined {
    this.dropStale();
    return this.heap.peek()?.at;
  }

  /**
   * Up to `max` entries expired at `now`, earliest first. They stay indexed until deleted; an entry
   * the caller could not delete goes back with requeue().
   */
  takeDue(now: number, max: number): IndexedEvent[] {
    const out: IndexedEvent[] = [];
    while (out.length < max) {
      this.dropStale();
      const top = this.heap.peek();
      if (!top || top.at > now) break;
      out.push(top);
      this.heap.pop();
    }
    return out;
  }

  requeue(e: IndexedEvent): void {
    if (this.live.get(e.key) === e) this.heap.push(e);
  }

  private dropStale(): void {
    for (let top = this.heap.peek(); top && this.live.get(top.key) !== top; top = this.heap.peek())
      this.heap.pop();
  }

  /** The heap holds every live entry once, and nothing else. */
  private rebuild(): void {
    this.heap.clear();
    for (const e of this.live.values()) this.heap.push(e);
  }
}
