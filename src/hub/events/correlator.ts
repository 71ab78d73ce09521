// Similar-event aggregation, as Kubernetes' EventAggregator does it: events that differ only in
// their message (same object, type, reason and reporting component) are counted per object; once
// ten different messages came within ten minutes, further ones become one combined Event
// ("(combined from similar events): <latest message>") instead of one Event each — e.g. a member
// error that embeds a changing detail. Identical repeats are counted by record.ts anyway.
// Memory is bounded: the least recently seen keys are forgotten first.
import type { EventSpec } from "./record.ts";

export interface CorrelatorOptions {
  /** Distinct messages within the interval before events are combined. Default 10. */
  maxSimilar?: number;
  /** Window in which messages count as similar. Default 10 minutes. */
  intervalMs?: number;
  /** Objects × reasons remembered. Default 4096. */
  maxKeys?: number;
}

export const COMBINED_PREFIX = "(combined from similar events): ";

interface Similar {
  messages: Set<string>;
  lastMs: number;
}

export class EventCorrelator {
  private readonly maxSimilar: number;
  private readonly intervalMs: number;
  private readonly maxKeys: number;
  /** In least recently seen first order (Map keeps insertion order; a hit is re-inserted). */
  private readonly seen = new Map<string, Similar>();

  constructor(opts: CorrelatorOptions = {}) {
    this.maxSimilar = opts.maxSimilar ?? 10;
    this.intervalMs = opts.intervalMs ?? 600_000;
    this.maxKeys = opts.maxKeys ?? 4096;
  }

  /** The event to write: the one given, or the combined event it folds into. */
  correlate(spec: EventSpec, nowMs: number): EventSpec {
    const m = spec.involved.metadata;
    const key = [
      m.uid ?? "",
      spec.involved.kind,
      m.namespace ?? "",
      m.name,
      spec.type,
      spec.reason,
      spec.component,
    ].join("\0");
    let rec = this.seen.get(key);
    this.seen.delete(key);
    if (!rec || nowMs - rec.lastMs > this.intervalMs) rec = { messages: new Set(), lastMs: nowMs };
    rec.lastMs = nowMs;
    this.seen.set(key, rec);
    if (this.seen.size > this.maxKeys) this.seen.delete(this.seen.keys().next().value as string);
    if (rec.messages.has(spec.message) || rec.messages.size < this.maxSimilar - 1) {
      rec.messages.add(spec.message);
      return spec;
    }
    return { ...spec, message: COMBINED_PREFIX + spec.message, combined: true };
  }
}
