// A Prometheus histogram read from the hub's /metrics text, the difference between two reads (the
// observations made in a window), and quantiles estimated from its buckets by linear
// interpolation, as PromQL's histogram_quantile does.
import { round } from "../lib/latency.ts";

export interface Histogram {
  /** Upper bounds in seconds, ascending, ending with +Inf. */
  bounds: number[];
  /** Cumulative counts per bound. */
  cumulative: number[];
  count: number;
  sum: number;
}

/** The named histogram (without labels) from Prometheus text exposition; undefined when absent. */
export function parseHistogram(text: string, name: string): Histogram | undefined {
  const buckets: [number, number][] = [];
  let count: number | undefined;
  let sum = 0;
  for (const line of text.split("\n")) {
    if (line.startsWith(`${name}_bucket{`)) {
      const m = /le="([^"]+)"\}\s+(\S+)/.exec(line);
      if (m) buckets.push([m[1] === "+Inf" ? Number.POSITIVE_INFINITY : Number(m[1]), Number(m[2])]);
    } else if (line.startsWith(`${name}_sum `)) sum = Number(line.split(" ")[1]);
    else if (line.startsWith(`${name}_count `)) count = Number(line.split(" ")[1]);
  }
  if (count === undefined || buckets.length === 0) return undefined;
  buckets.sort((a, b) => a[0] - b[0]);
  return { bounds: buckets.map((b) => b[0]), cumulative: buckets.map((b) => b[1]), count, sum };
}

/** after − before: what was observed between the two reads. */
export function histogramDelta(after: Histogram, before: Histogram | undefined): Histogram {
  if (!before) return after;
  return {
    bounds: after.bounds,
    cumulative: after.cumulative.map((c, i) => c - (before.cumulative[i] ?? 0)),
    count: after.count - before.count,
    sum: after.sum - before.sum,
  };
}

/** The q-quantile in seconds, interpolated within its bucket (the lowest bucket starts at 0). */
export function quantile(h: Histogram, q: number): number {
  if (h.count <= 0) return 0;
  const rank = q * h.count;
  for (let i = 0; i < h.bounds.length; i++) {
    if (h.cumulative[i] < rank) continue;
    const upper = h.bounds[i];
    const lower = i === 0 ? 0 : h.bounds[i - 1];
    // Beyond the last finite bound nothing can be interpolated: report that bound, as PromQL does.
    if (!Number.isFinite(upper)) return lower;
    const below = i === 0 ? 0 : h.cumulative[i - 1];
    const inBucket = h.cumulative[i] - below;
    return inBucket > 0 ? lower + (upper - lower) * ((rank - below) / inBucket) : upper;
  }
  return h.bounds[h.bounds.length - 2] ?? 0;
}

export interface HistogramSummary {
  count: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  /** Cumulative count at each bucket's upper bound (ms; null for +Inf), so the estimate can be checked. */
  buckets: { leMs: number | null; count: number }[];
}

export function summarize(h: Histogram): HistogramSummary {
  const ms = (s: number) => round(s * 1000);
  return {
    count: h.count,
    meanMs: h.count > 0 ? ms(h.sum / h.count) : 0,
    p50Ms: ms(quantile(h, 0.5)),
    p90Ms: ms(quantile(h, 0.9)),
    p99Ms: ms(quantile(h, 0.99)),
    buckets: h.bounds.map((b, i) => ({
      leMs: Number.isFinite(b) ? round(b * 1000) : null,
      count: h.cumulative[i],
    })),
  };
}
