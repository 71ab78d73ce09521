// Similar-event aggregation for the hub's controllers, as Kubernetes' EventAggregator does it
// (src/util/event-aggregator.ts, shared with mcp-sim): events that differ only in their message
// (same object, type, reason and reporting component) are counted per object; once ten different
// messages came within ten minutes, further ones become one combined Event ("(combined from
// similar events): <latest message>") instead of one Event each — e.g. a member error that embeds
// a changing detail. Identical repeats are counted by record.ts anyway.
import { COMBINED_PREFIX, EventAggregator, hash53 } from "../../util/event-aggregator.ts";
import { type EventSpec, similarKey } from "./record.ts";

export { COMBINED_PREFIX };

export interface CorrelatorOptions {
  /** Distinct messages within the interval before events are combined. Default 10. */
  maxSimilar?: number;
  /** Window in which messages count as similar. Default 10 minutes. */
  intervalMs?: number;
  /** Objects × reasons remembered. Default 4096. */
  maxKeys?: number;
}

export class EventCorrelator {
  private readonly aggregator: EventAggregator;

  constructor(opts: CorrelatorOptions = {}) {
    this.aggregator = new EventAggregator({
      maxEvents: opts.maxSimilar,
      windowMs: opts.intervalMs,
      cacheSize: opts.maxKeys,
    });
  }

  /** The event to write: the one given, or the combined event it folds into. */
  correlate(spec: EventSpec, nowMs: number): EventSpec {
    const similar = hash53(similarKey(spec));
    const r = this.aggregator.aggregate(similar, spec.message, nowMs);
    return r.combined ? { ...spec, message: r.message, combined: true } : spec;
  }
}
