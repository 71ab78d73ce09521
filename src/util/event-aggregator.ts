// client-go's EventAggregator, for every event recorder here (the hub's controllers, mcp-sim's
// clusters): once an object has had 10 distinct messages for the same reason
// within 10 minutes ("Created pod: a", "Created pod: b", ...), further ones stop being events
// of their own and fold into one "(combined from similar events): ..." event whose count grows.
// Keys are 53-bit hashes, so a remembered object costs a few numbers, not its messages.

/** cyrb53: a fast 53-bit string hash; collisions within one cluster's events are negligible. */
export function hash53(text: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

export const COMBINED_PREFIX = "(combined from similar events): ";

export interface AggregatorOptions {
  /** Distinct messages before they are combined (client-go: 10). */
  maxEvents?: number;
  /** How long similar events are remembered after the last one (client-go: 600 s). */
  windowMs?: number;
  /** Objects remembered at most, least recent forgotten first (client-go: 4096). */
  cacheSize?: number;
}

interface Record {
  /** Hashes of the distinct messages seen; one message (the usual case) needs no Set. */
  messages: number | Set<number>;
  lastMs: number;
}

export class EventAggregator {
  private readonly maxEvents: number;
  private readonly windowMs: number;
  private readonly cacheSize: number;
  /** In least-recently-used order (Map insertion order, refreshed on use). */
  private readonly records = new Map<number, Record>();

  constructor(opts: AggregatorOptions = {}) {
    this.maxEvents = opts.maxEvents ?? 10;
    this.windowMs = opts.windowMs ?? 600_000;
    this.cacheSize = opts.cacheSize ?? 4096;
  }

  /**
   * The message to record for `message` under `similarKey` (source, object, type and reason),
   * and whether it was combined, in which case the event is keyed by `similarKey` alone.
   */
  aggregate(similarKey: number, message: string, nowMs: number): { message: string; combined: boolean } {
    const h = hash53(message);
    let r = this.records.get(similarKey);
    if (!r || nowMs - r.lastMs > this.windowMs) r = { messages: h, lastMs: nowMs };
    else if (typeof r.messages === "number") {
      if (r.messages !== h) r.messages = new Set([r.messages, h]);
    } else r.messages.add(h);
    r.lastMs = nowMs;
    this.records.delete(similarKey);
    this.records.set(similarKey, r);
    if (this.records.size > this.cacheSize) this.records.delete(this.records.keys().next().value!);
    if (typeof r.messages === "number" || r.messages.size < this.maxEvents)
      return { message, combined: false };
    // Do not grow the set any larger than the threshold.
    r.messages.delete(r.messages.values().next().value!);
    return { message: COMBINED_PREFIX + message, combined: true };
  }

  /** Forgets objects with no event for longer than the window (they would start afresh anyway). */
  prune(nowMs: number): void {
    for (const [key, r] of this.records) {
      if (nowMs - r.lastMs <= this.windowMs) break;
      this.records.delete(key);
    }
  }

  get size(): number {
    return this.records.size;
  }
}
