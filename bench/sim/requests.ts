// Request latency across the fleet: GETs spread over a random sample of clusters, each reached
// over HTTPS with its own CA and token on keep-alive connections (as a hub or agent would), at a
// fixed number of requests in flight. Every response is read to its end before it counts.
import { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, type LatencySummary, round } from "../lib/latency.ts";
import { runPool } from "../lib/pool.ts";

export interface RequestPhaseResult {
  path: string;
  latency: LatencySummary;
  errors: number;
  firstError?: string;
  /** Distinct clusters that answered at least once. */
  clustersHit: number;
  meanBytes: number;
  /** Items in the list, averaged over the first answer of each cluster hit. */
  meanItems: number;
}

/** Picks `n` of the kubeconfigs at random and opens a client for each. */
export async function sampleClients(
  kubeconfigs: string[],
  n: number,
  maxSockets: number,
): Promise<HubClient[]> {
  const pool = [...kubeconfigs];
  // Partial Fisher–Yates: the first n entries become a uniform random sample.
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (pool.length - i));
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return Promise.all(pool.slice(0, n).map((k) => HubClient.fromKubeconfig(k, { maxSockets })));
}

/**
 * Opens `connections` keep-alive connections to every client's cluster (one request on each, in
 * parallel) and touches every path, so TLS handshakes and cold code paths stay out of the timing.
 */
export async function warmUp(clients: HubClient[], paths: string[], connections: number): Promise<void> {
  await Promise.all(
    clients.map(async (c) => {
      for (const p of paths) await Promise.all(Array.from({ length: connections }, () => c.json("GET", p)));
    }),
  );
}

export async function requestPhase(
  clients: HubClient[],
  path: string,
  opts: { requests: number; concurrency: number },
): Promise<RequestPhaseResult> {
  const rec = new LatencyRecorder();
  const items = new Map<HubClient, number>();
  let errors = 0;
  let firstError: string | undefined;
  let bytes = 0;
  const t0 = performance.now();
  await runPool(opts.requests, opts.concurrency, async () => {
    const client = clients[Math.floor(Math.random() * clients.length)];
    const start = performance.now();
    try {
      const res = await client.request("GET", path);
      rec.record(performance.now() - start);
      bytes += res.bytes;
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 200)}`);
      // Parsing is client work: once per cluster is enough to show what the list holds.
      if (!items.has(client)) items.set(client, (JSON.parse(res.body) as { items: unknown[] }).items.length);
    } catch (e) {
      errors++;
      firstError ??= `${client.server.host}${path}: ${(e as Error).message}`;
    }
  });
  const wallMs = performance.now() - t0;
  const counts = [...items.values()];
  return {
    path,
    latency: rec.summary(wallMs),
    errors,
    ...(firstError ? { firstError } : {}),
    clustersHit: items.size,
    meanBytes: round(rec.count ? bytes / rec.count : 0),
    meanItems: round(counts.length ? counts.reduce((a, b) => a + b, 0) / counts.length : 0),
  };
}
