// Watch fan-out: W watches on the ConfigMap collection from the current resourceVersion, then U
// merge-patch updates at a fixed concurrency. Delivery latency is receive time minus the
// update's send time, so it includes the write itself (durable commit) plus fan-out: the
// end-to-end delay a controller watching the hub would see. Write latency is reported beside it.
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, type LatencySummary, round } from "../lib/latency.ts";
import { runPool } from "../lib/pool.ts";
import { CONFIGMAPS, ErrorTally, objectName } from "./objects.ts";
import { BenchWatcher } from "./watcher.ts";

export interface WatchFanoutOptions {
  watchers: number;
  updates: number;
  /** Updates go round-robin over this many existing objects. */
  objects: number;
  concurrency: number;
  timeoutMs: number;
}

export interface WatchFanoutResult {
  watchers: number;
  updates: number;
  concurrency: number;
  /** Time to open every watch (all response headers received). */
  openMs: number;
  /** The updates' own request latency; opsPerSec is updates/s. */
  write: LatencySummary;
  /** Send-to-receive latency over every (watcher, event); opsPerSec is events delivered per second. */
  delivery: LatencySummary;
  /** Watchers × acknowledged updates. */
  eventsExpected: number;
  eventsDelivered: number;
  /** Acknowledged updates some watcher never received (summed over watchers); must be 0. */
  missing: number;
  duplicates: number;
  watchErrors: number;
  errors: number;
  firstError?: string;
}

export async function watchFanoutPhase(
  client: HubClient,
  opts: WatchFanoutOptions,
): Promise<WatchFanoutResult> {
  const list = await client.json<{ metadata: { resourceVersion: string } }>("GET", `${CONFIGMAPS}?limit=1`);
  const path = `${CONFIGMAPS}?watch=1&resourceVersion=${list.metadata.resourceVersion}`;
  const deliveryRec = new LatencyRecorder();
  const watchers = Array.from({ length: opts.watchers }, () => new BenchWatcher(opts.updates, deliveryRec));
  const ac = new AbortController();
  try {
    const tOpen = performance.now();
    await Promise.all(watchers.map((w) => w.open(client, path, ac.signal)));
    const openMs = performance.now() - tOpen;

    const writeRec = new LatencyRecorder();
    const errs = new ErrorTally();
    const acked = new Uint8Array(opts.updates);
    const t0 = performance.now();
    await runPool(opts.updates, opts.concurrency, async (i) => {
      const sentAt = performance.now();
      const patch = { data: { seq: String(i), sentAt: String(sentAt) } };
      const res = await client.request(
        "PATCH",
        `${CONFIGMAPS}/${objectName(i % opts.objects)}`,
        patch,
        "application/merge-patch+json",
      );
      writeRec.record(performance.now() - sentAt);
      errs.check("update", res.status, res.body, [200]);
      if (res.status === 200) acked[i] = 1;
    });
    const writeWall = performance.now() - t0;
    for (const w of watchers) w.expect(acked);
    await waitAll(
      watchers.map((w) => w.done),
      opts.timeoutMs,
    );
    const lastReceive = Math.max(t0, ...watchers.map((w) => w.lastReceiveAt));
    const sum = (f: (w: BenchWatcher) => number) => watchers.reduce((a, w) => a + f(w), 0);
    return {
      watchers: opts.watchers,
      updates: opts.updates,
      concurrency: opts.concurrency,
      openMs: round(openMs),
      write: writeRec.summary(writeWall),
      delivery: deliveryRec.summary(lastReceive - t0),
      eventsExpected: opts.watchers * acked.reduce((a, b) => a + b, 0),
      eventsDelivered: sum((w) => w.received),
      missing: sum((w) => w.missing),
      duplicates: sum((w) => w.duplicates),
      watchErrors: sum((w) => w.errors),
      ...errs.report(),
    };
  } finally {
    ac.abort();
    for (const w of watchers) w.close();
  }
}

/** Resolves when every promise has, or after timeoutMs; what is still missing is then reported. */
async function waitAll(promises: Promise<void>[], timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<void>((r) => {
    timer = setTimeout(r, timeoutMs);
  });
  await Promise.race([Promise.all(promises), timeout]);
  clearTimeout(timer);
}
