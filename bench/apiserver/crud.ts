// Create and get phases: closed-loop load at a fixed concurrency, one latency sample per request.
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, type LatencySummary } from "../lib/latency.ts";
import { runPool } from "../lib/pool.ts";
import { CONFIGMAPS, configMap, ErrorTally, objectName } from "./objects.ts";

export interface LoadResult {
  concurrency: number;
  latency: LatencySummary;
  errors: number;
  firstError?: string;
}

export async function createPhase(
  client: HubClient,
  count: number,
  concurrency: number,
): Promise<LoadResult> {
  const rec = new LatencyRecorder();
  const errs = new ErrorTally();
  const t0 = performance.now();
  await runPool(count, concurrency, async (i) => {
    const res = await rec.time(() => client.request("POST", CONFIGMAPS, configMap(i)));
    errs.check("create", res.status, res.body, [201]);
  });
  return { concurrency, latency: rec.summary(performance.now() - t0), ...errs.report() };
}

export async function getPhase(
  client: HubClient,
  opts: { gets: number; objects: number; concurrency: number },
): Promise<LoadResult> {
  const rec = new LatencyRecorder();
  const errs = new ErrorTally();
  const t0 = performance.now();
  await runPool(opts.gets, opts.concurrency, async () => {
    const name = objectName(Math.floor(Math.random() * opts.objects));
    const res = await rec.time(() => client.request("GET", `${CONFIGMAPS}/${name}`));
    errs.check("get", res.status, res.body, [200]);
  });
  return { concurrency: opts.concurrency, latency: rec.summary(performance.now() - t0), ...errs.report() };
}
