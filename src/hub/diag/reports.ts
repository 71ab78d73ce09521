// Stores one cluster's DiagnosticReport and keeps a bounded history of its earlier scans.
//   mcp-system/<cluster>         the latest result (labels scan=<id>, cluster, report=latest); its
//                                status.history summarises the earlier scans, newest first
//   mcp-system/<cluster>.<scan>  an earlier scan's full report, archived when a newer scan's
//                                report replaced it (label report=history), owned by the latest so
//                                deleting that deletes its history
// A cluster keeps its last HISTORY_LIMIT scans, the latest included; older archives are deleted.
// The status is written before the scan label moves to the new scan, so whoever watches
// `mcp.platform/scan=<id>` never sees a report of this scan carrying an older scan's results; and
// a label selector on a scan id finds one report per cluster (the latest or its archive).
import { createHash } from "node:crypto";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import {
  type DiagnoseParams,
  type HistoryEntry,
  REPORT_LABEL,
  REPORT_NAMESPACE,
  type ReportStatus,
  reportLabels,
  reportObject,
  SCAN_LABEL,
} from "../../diag/fleet/report.ts";

/** Scans kept per cluster, the latest included. */
export const HISTORY_LIMIT = 10;

const reportRef = (name: string) => ({
  apiVersion: API_VERSION,
  kind: "DiagnosticReport",
  namespace: REPORT_NAMESPACE,
  name,
});

export async function storeReport(
  client: InternalClient,
  cluster: string,
  scanId: string,
  params: DiagnoseParams,
  status: ReportStatus,
): Promise<void> {
  const desired = reportObject(cluster, scanId, params, status);
  const ref = reportRef(cluster);
  for (let attempt = 0; ; attempt++) {
    const current = await client.get(ref);
    try {
      if (!current) {
        await client.create(desired);
        return;
      }
      const history = await archiveReplaced(client, current, scanId);
      // Written over what was read: a concurrent store for this cluster makes this a Conflict,
      // and the next attempt archives what that one wrote.
      await client.updateStatus({
        ...current,
        status: { ...status, history: history.slice(0, HISTORY_LIMIT - 1) },
      });
      await client.mutate(ref, (o) => ({
        ...o,
        metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...desired.metadata.labels } },
        spec: desired.spec,
      }));
      for (const old of history.slice(HISTORY_LIMIT - 1))
        await client.delete(reportRef(archiveName(cluster, old.scan)));
      return;
    } catch (e) {
      // Two writers raced to create it (AlreadyExists) or to replace it (Conflict): read again.
      if (e instanceof ApiError && (e.reason === "AlreadyExists" || e.reason === "Conflict") && attempt < 5)
        continue;
      throw e;
    }
  }
}

/**
 * Archives the report a new scan replaces and returns the history the new latest report carries.
 * The same scan reporting again (a retried report) replaces its own result: nothing is archived.
 */
async function archiveReplaced(
  client: InternalClient,
  current: KubeObject,
  scanId: string,
): Promise<HistoryEntry[]> {
  const status = (current.status ?? {}) as ReportStatus;
  const history = status.history ?? [];
  const previous = current.metadata.labels?.[SCAN_LABEL];
  if (!previous || previous === scanId) return history;
  const cluster = current.metadata.name!;
  const { history: _, ...archived } = status;
  try {
    await client.create({
      apiVersion: API_VERSION,
      kind: "DiagnosticReport",
      metadata: {
        name: archiveName(cluster, previous),
        namespace: REPORT_NAMESPACE,
        labels: { ...reportLabels(cluster, previous), [REPORT_LABEL]: "history" },
        ownerReferences: [
          { apiVersion: API_VERSION, kind: "DiagnosticReport", name: cluster, uid: current.metadata.uid! },
        ],
      },
      spec: current.spec,
      status: archived,
    });
  } catch (e) {
    // Archived already by an attempt that then lost a race.
    if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
  }
  return [historyEntry(previous, current), ...history.filter((h) => h.scan !== previous)];
}

/** What the latest report remembers of an earlier one: everything but the findings. */
export function historyEntry(scan: string, report: KubeObject): HistoryEntry {
  const s = (report.status ?? {}) as ReportStatus;
  const targetVersion = (report.spec as { targetVersion?: string } | undefined)?.targetVersion;
  return {
    scan,
    ...(s.scannedAt ? { scannedAt: s.scannedAt } : {}),
    ...(s.score !== undefined ? { score: s.score } : {}),
    ...(s.summary ? { summary: s.summary } : {}),
    ...(s.kubernetesVersion ? { kubernetesVersion: s.kubernetesVersion } : {}),
    ...(targetVersion ? { targetVersion } : {}),
    ...(s.error ? { error: s.error } : {}),
  };
}

/** mcp-system/<cluster>.<scan>, or a digest of the cluster's name when that would be too long. */
export function archiveName(cluster: string, scan: string): string {
  const name = `${cluster}.${scan}`;
  if (name.length <= 253) return name;
  return `report-${createHash("sha256").update(cluster).digest("hex").slice(0, 16)}.${scan}`;
}
