// Latency recording: every sample is kept (a phase has at most ~10^5), so percentiles are exact
// rather than estimated from buckets.

export interface LatencySummary {
  count: number;
  /** Operations per second over the phase's wall-clock time. */
  opsPerSec: number;
  meanMs: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
}

export class LatencyRecorder {
  private samples: number[] = [];

  record(ms: number): void {
    this.samples.push(ms);
  }

  /** Times fn and records its duration. */
  async time<T>(fn: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    const out = await fn();
    this.record(performance.now() - t0);
    return out;
  }

  get count(): number {
    return this.samples.length;
  }

  summary(wallMs: number): LatencySummary {
    const s = Float64Array.from(this.samples).sort();
    // Nearest-rank percentile: the smallest sample with at least q of the samples at or below it.
    const pct = (q: number) => (s.length ? s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)] : 0);
    const sum = s.reduce((a, b) => a + b, 0);
    return {
      count: s.length,
      opsPerSec: round(wallMs > 0 ? (s.length * 1000) / wallMs : 0),
      meanMs: round(s.length ? sum / s.length : 0),
      p50Ms: round(pct(0.5)),
      p90Ms: round(pct(0.9)),
      p99Ms: round(pct(0.99)),
      maxMs: round(s.length ? s[s.length - 1] : 0),
    };
  }
}

/** Rounds to 3 decimals (microseconds for ms values) so the JSON stays readable. */
export function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
