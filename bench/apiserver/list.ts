// List phases: the full collection in one response, and the same walked in pages (limit/continue).
// Latency is measured to the last byte of each response; parsing happens outside the timing.
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder, type LatencySummary } from "../lib/latency.ts";
import { CONFIGMAPS, ErrorTally } from "./objects.ts";

interface ListBody {
  metadata: { continue?: string; resourceVersion: string };
  items: unknown[];
}

export interface FullListResult {
  repeats: number;
  items: number;
  bytesPerList: number;
  latency: LatencySummary;
  errors: number;
  firstError?: string;
}

export async function fullListPhase(client: HubClient, repeats: number): Promise<FullListResult> {
  const rec = new LatencyRecorder();
  const errs = new ErrorTally();
  let items = 0;
  let bytes = 0;
  const t0 = performance.now();
  for (let r = 0; r < repeats; r++) {
    const res = await rec.time(() => client.request("GET", CONFIGMAPS));
    errs.check("list", res.status, res.body, [200]);
    bytes = res.bytes;
    if (r === 0 && res.status === 200) items = (JSON.parse(res.body) as ListBody).items.length;
  }
  return {
    repeats,
    items,
    bytesPerList: bytes,
    latency: rec.summary(performance.now() - t0),
    ...errs.report(),
  };
}

export interface PagedListResult {
  walks: number;
  pageSize: number;
  pagesPerWalk: number;
  items: number;
  /** One sample per page request. */
  page: LatencySummary;
  /** One sample per walk over the whole collection (includes the client parsing each page). */
  walk: LatencySummary;
  errors: number;
  firstError?: string;
}

export async function pagedListPhase(
  client: HubClient,
  walks: number,
  pageSize: number,
): Promise<PagedListResult> {
  const pageRec = new LatencyRecorder();
  const walkRec = new LatencyRecorder();
  const errs = new ErrorTally();
  let pages = 0;
  let items = 0;
  const t0 = performance.now();
  for (let w = 0; w < walks; w++) {
    await walkRec.time(async () => {
      pages = 0;
      items = 0;
      let cont: string | undefined;
      do {
        const q = `limit=${pageSize}${cont ? `&continue=${encodeURIComponent(cont)}` : ""}`;
        const res = await pageRec.time(() => client.request("GET", `${CONFIGMAPS}?${q}`));
        errs.check("paged list", res.status, res.body, [200]);
        if (res.status !== 200) return;
        const body = JSON.parse(res.body) as ListBody;
        pages++;
        items += body.items.length;
        cont = body.metadata.continue || undefined;
      } while (cont);
    });
  }
  const wall = performance.now() - t0;
  return {
    walks,
    pageSize,
    pagesPerWalk: pages,
    items,
    page: pageRec.summary(wall),
    walk: walkRec.summary(wall),
    ...errs.report(),
  };
}
