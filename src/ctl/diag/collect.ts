// Waits for one fleet scan's DiagnosticReports (`mcpctl diag scan`): lists the reports labelled
// with the scan id, then watches from the list's resourceVersion until every selected cluster has
// reported or the timeout passes. Watches resume, never silently restart: bookmarks advance the
// resourceVersion, a stream the hub ends is reopened from the last one seen, and a 410 Gone/Expired
// (that revision was compacted, or the watcher fell behind) re-lists, so a report written in the
// gap is found by the list instead of being waited for until the timeout.
import type { KubeObject, WatchEvent } from "../../apis/meta/types.ts";
import type { HubClient } from "../client.ts";
import { ApiError, type Status } from "../errors.ts";
import type { FleetRow } from "./matrix.ts";

export const REPORTS = "/apis/mcp.platform/v1/namespaces/mcp-system/diagnosticreports";
export const SCAN_LABEL = "mcp.platform/scan";

export interface ReportObject extends KubeObject {
  spec: { cluster: string; targetVersion?: string };
  status?: { score?: number; error?: string; scannedAt?: string; findings?: FleetRow["findings"] };
}

export interface CollectOptions {
  scanId: string;
  clusters: string[];
  timeoutMs: number;
  /** Called after each new cluster's report, with how many are in. */
  onReport?: (got: number, total: number) => void;
  /** Pause before reopening a watch the hub ended without sending anything. Default 250 ms. */
  reopenDelayMs?: number;
}

type ReportClient = Pick<HubClient, "get" | "watch">;

interface ReportList {
  metadata: { resourceVersion?: string };
  items: ReportObject[];
}

/** Reports of the scan by cluster; those missing at the timeout are simply absent. */
export async function collectReports(
  client: ReportClient,
  o: CollectOptions,
): Promise<Map<string, ReportObject>> {
  const wanted = new Set(o.clusters);
  const got = new Map<string, ReportObject>();
  const labelSelector = `${SCAN_LABEL}=${o.scanId}`;
  const take = (r: ReportObject) => {
    const name = r.spec?.cluster ?? r.metadata.name!;
    if (!wanted.has(name) || r.metadata.labels?.[SCAN_LABEL] !== o.scanId || got.has(name)) return;
    got.set(name, r);
    o.onReport?.(got.size, wanted.size);
  };
  const done = () => got.size >= wanted.size;
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), o.timeoutMs);
  const relist = async (): Promise<string | undefined> => {
    const list = await client.get<ReportList>(REPORTS, { query: { labelSelector }, signal: ac.signal });
    for (const r of list.items) take(r);
    return list.metadata.resourceVersion;
  };
  try {
    let resourceVersion = await relist();
    while (!done() && !ac.signal.aborted) {
      let expired = false;
      let events = 0;
      try {
        const stream = client.watch(REPORTS, {
          query: { labelSelector, resourceVersion, allowWatchBookmarks: true },
          signal: ac.signal,
        });
        for await (const ev of stream) {
          events++;
          if (ev.type === "ERROR") {
            const status = ev.object as Status;
            if (status.code !== 410) throw new ApiError(status.code ?? 500, status);
            expired = true;
            break;
          }
          resourceVersion = versionOf(ev) ?? resourceVersion;
          if (ev.type === "ADDED" || ev.type === "MODIFIED") take(ev.object as ReportObject);
          if (done()) break;
        }
      } catch (e) {
        if (ac.signal.aborted) break;
        if (!(e instanceof ApiError && e.code === 410)) throw e;
        expired = true;
      }
      if (expired) resourceVersion = await relist();
      else if (events === 0 && !done()) await pause(o.reopenDelayMs ?? 250, ac.signal);
    }
  } catch (e) {
    // The timeout aborts whatever request is in flight: that is the end, not a failure.
    if (!ac.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return got;
}

function versionOf(ev: WatchEvent<unknown>): string | undefined {
  return (ev.object as { metadata?: { resourceVersion?: string } } | undefined)?.metadata?.resourceVersion;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      "abort",
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}
