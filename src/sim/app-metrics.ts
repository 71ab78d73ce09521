// Simulated application metrics of one cluster, served on GET /metrics in Prometheus text: for
// every Deployment, `http_requests_total{namespace,deployment,code}` and the
// `http_request_duration_seconds` histogram, as if each ready replica served REQUESTS_PER_REPLICA
// requests a second. The cluster's faults shape them (appErrorRate → code 500, appP99LatencyMs →
// the latency distribution; a crash-looping Deployment answers 503), so rollout health gates
// see a fault as they would see a bad release. Counters only grow: each scrape (and each fault
// change) accrues the traffic since the last one under the conditions that held meanwhile.
import type { KubeObject } from "../apis/meta/types.ts";
import type { InternalClient } from "../apiserver/client/internal-client.ts";
import type { FaultState } from "./context.ts";

export const REQUESTS_PER_REPLICA = 10;
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Spread of the (log-normal) latency distribution; p99 sits 2.33 sigmas above the median. */
const SIGMA = 0.5;
const Z99 = 2.3263;

interface Series {
  /** Last time the series accrued traffic (ms). */
  at: number;
  byCode: Map<string, number>;
  buckets: number[];
  sum: number;
  count: number;
}

export class AppMetrics {
  private readonly client: InternalClient;
  private readonly faults: FaultState;
  private readonly series = new Map<string, Series>();
  private readonly now: () => number;

  constructor(client: InternalClient, faults: FaultState, now: () => number = Date.now) {
    this.client = client;
    this.faults = faults;
    this.now = now;
  }

  /** Accrues traffic up to now under the current faults; call before the faults change. */
  async advance(): Promise<void> {
    const deployments = await this.client.list("apps/v1", "Deployment");
    const now = this.now();
    const seen = new Set<string>();
    for (const d of deployments) {
      const key = `${d.metadata.namespace}/${d.metadata.name}`;
      seen.add(key);
      let s = this.series.get(key);
      if (!s) {
        s = {
          at: now,
          byCode: new Map([["200", 0]]),
          buckets: LATENCY_BUCKETS.map(() => 0),
          sum: 0,
          count: 0,
        };
        this.series.set(key, s);
      }
      this.accrue(s, key, servingReplicas(d), now);
    }
    for (const key of this.series.keys()) if (!seen.has(key)) this.series.delete(key);
  }

  /** The Prometheus exposition text. */
  async render(): Promise<string> {
    await this.advance();
    const out: string[] = [
      "# HELP http_requests_total Requests served by the application, by HTTP status code.",
      "# TYPE http_requests_total counter",
    ];
    const sorted = [...this.series.entries()].sort(([a], [b]) => (a < b ? -1 : 1));
    for (const [key, s] of sorted)
      for (const [code, n] of [...s.byCode.entries()].sort())
        out.push(`http_requests_total{${labels(key)},code="${code}"} ${Math.floor(n)}`);
    out.push(
      "# HELP http_request_duration_seconds Latency of requests served by the application.",
      "# TYPE http_request_duration_seconds histogram",
    );
    for (const [key, s] of sorted) {
      const l = labels(key);
      LATENCY_BUCKETS.forEach((le, i) => {
        out.push(`http_request_duration_seconds_bucket{${l},le="${le}"} ${Math.floor(s.buckets[i])}`);
      });
      out.push(`http_request_duration_seconds_bucket{${l},le="+Inf"} ${Math.floor(s.count)}`);
      out.push(`http_request_duration_seconds_sum{${l}} ${s.sum.toFixed(3)}`);
      out.push(`http_request_duration_seconds_count{${l}} ${Math.floor(s.count)}`);
    }
    return `${out.join("\n")}\n`;
  }

  private accrue(s: Series, key: string, replicas: number, now: number): void {
    const seconds = Math.max(0, now - s.at) / 1000;
    s.at = now;
    const requests = seconds * replicas * REQUESTS_PER_REPLICA;
    if (requests === 0) return;
    const crashing = this.faults.crashLoop.has(key);
    const errorRate = crashing ? 1 : Math.min(1, Math.max(0, this.faults.appErrorRate));
    const errorCode = crashing ? "503" : "500";
    s.byCode.set("200", (s.byCode.get("200") ?? 0) + requests * (1 - errorRate));
    if (errorRate > 0) s.byCode.set(errorCode, (s.byCode.get(errorCode) ?? 0) + requests * errorRate);
    const p99 = Math.max(1, this.faults.appP99LatencyMs) / 1000;
    const median = p99 / Math.exp(Z99 * SIGMA);
    LATENCY_BUCKETS.forEach((le, i) => {
      s.buckets[i] += requests * normalCdf((Math.log(le) - Math.log(median)) / SIGMA);
    });
    s.count += requests;
    s.sum += requests * median * Math.exp((SIGMA * SIGMA) / 2);
  }
}

/** Replicas that take traffic: available ones once a controller reports them, else the desired count. */
function servingReplicas(d: KubeObject): number {
  const status = (d.status ?? {}) as { availableReplicas?: number; observedGeneration?: number };
  if (status.observedGeneration !== undefined) return status.availableReplicas ?? 0;
  return Number((d.spec as { replicas?: number })?.replicas ?? 1);
}

function labels(key: string): string {
  const [namespace, deployment] = key.split("/");
  return `namespace="${namespace}",deployment="${deployment}"`;
}

/** Standard normal CDF (Abramowitz-Stegun 7.1.26, error < 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(z)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}
