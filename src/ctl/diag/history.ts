// `mcpctl diag history`, pure so it is tested without a hub: the scans a cluster's latest
// DiagnosticReport remembers (its own result and status.history, newest first), and the same
// gathered across clusters into one row per fleet scan: when it ran, how many clusters it covered
// and failed to scan, the lowest and mean score, and the findings per severity.
import { columns } from "../describe-format.ts";
import type { ReportObject } from "./collect.ts";

type Summary = { error: number; warning: number; info: number };

/** One scan of one cluster. */
export interface ScanRecord {
  cluster: string;
  scan: string;
  scannedAt?: string;
  score?: number;
  summary?: Summary;
  kubernetesVersion?: string;
  targetVersion?: string;
  error?: string;
}

/** One fleet scan across the clusters that still remember it. */
export interface ScanSummary {
  scan: string;
  /** The earliest scannedAt of its clusters. */
  scannedAt?: string;
  clusters: number;
  /** Clusters without a result (offline, unreachable). */
  failed: number;
  minScore?: number;
  meanScore?: number;
  summary: Summary;
}

interface LatestStatus {
  score?: number;
  scannedAt?: string;
  kubernetesVersion?: string;
  summary?: Summary;
  error?: string;
  history?: Omit<ScanRecord, "cluster">[];
}

/** A latest report's scans, newest first: its own result, then its history. */
export function recordsOf(report: ReportObject): ScanRecord[] {
  const cluster = report.spec?.cluster ?? report.metadata.name ?? "";
  const s = (report.status ?? {}) as LatestStatus;
  const scan = report.metadata.labels?.["mcp.platform/scan"];
  const current: ScanRecord[] = scan
    ? [
        {
          cluster,
          scan,
          ...pick(s, ["scannedAt", "score", "summary", "kubernetesVersion", "error"]),
          ...(report.spec?.targetVersion ? { targetVersion: report.spec.targetVersion } : {}),
        },
      ]
    : [];
  return [...current, ...(s.history ?? []).map((h) => ({ ...h, cluster }))];
}

/** One row per scan id, newest first. */
export function summarizeScans(records: ScanRecord[]): ScanSummary[] {
  const byScan = new Map<string, ScanRecord[]>();
  for (const r of records) byScan.set(r.scan, [...(byScan.get(r.scan) ?? []), r]);
  const rows = [...byScan].map(([scan, rs]): ScanSummary => {
    const scores = rs.flatMap((r) => (r.score === undefined ? [] : [r.score]));
    const times = rs.flatMap((r) => (r.scannedAt ? [r.scannedAt] : [])).sort();
    const summary = { error: 0, warning: 0, info: 0 };
    for (const r of rs)
      for (const k of ["error", "warning", "info"] as const) summary[k] += r.summary?.[k] ?? 0;
    return {
      scan,
      ...(times.length ? { scannedAt: times[0] } : {}),
      clusters: rs.length,
      failed: rs.filter((r) => r.error !== undefined).length,
      ...(scores.length
        ? {
            minScore: Math.min(...scores),
            meanScore: Math.round(scores.reduce((a, b) => a + b, 0) / scores.length),
          }
        : {}),
      summary,
    };
  });
  return rows.sort((a, b) => cmp(b.scannedAt ?? "", a.scannedAt ?? "") || cmp(a.scan, b.scan));
}

export function formatScans(rows: ScanSummary[]): string {
  if (rows.length === 0) return "No diagnostic scans found. Run: mcpctl diag scan --all-clusters\n";
  return columns(
    [
      ["SCAN", "SCANNED", "CLUSTERS", "FAILED", "MIN SCORE", "MEAN SCORE", "ERRORS", "WARNINGS", "INFO"],
      ...rows.map((r) => [
        r.scan,
        r.scannedAt ?? "-",
        String(r.clusters),
        String(r.failed),
        num(r.minScore),
        num(r.meanScore),
        String(r.summary.error),
        String(r.summary.warning),
        String(r.summary.info),
      ]),
    ],
    "",
  );
}

export function formatClusterHistory(records: ScanRecord[]): string {
  return columns(
    [
      ["SCAN", "SCANNED", "SCORE", "ERRORS", "WARNINGS", "INFO", "VERSION", "STATUS"],
      ...records.map((r) => [
        r.scan,
        r.scannedAt ?? "-",
        num(r.score),
        num(r.summary?.error),
        num(r.summary?.warning),
        num(r.summary?.info),
        r.kubernetesVersion ?? "-",
        r.error ?? (r.targetVersion ? `scanned for an upgrade to ${r.targetVersion}` : "scanned"),
      ]),
    ],
    "",
  );
}

const num = (n: number | undefined) => (n === undefined ? "-" : String(n));
const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function pick<T extends object, K extends keyof T>(o: T, keys: K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
