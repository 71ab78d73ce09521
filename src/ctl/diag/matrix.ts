// The fleet scan's summary, pure so it is tested without a hub: a cluster × check matrix (rows
// clusters with their score, columns the check codes that fired anywhere, cells the worst
// severity's letter) and the findings many clusters share (same code and message), which is where
// a fleet-wide fix pays off most.
import { columns } from "../describe-format.ts";

export interface FleetFinding {
  code: string;
  severity: "error" | "warning" | "info";
  object?: string;
  message: string;
}

export interface FleetRow {
  cluster: string;
  score?: number;
  /** Why the cluster has no scan (offline, unreachable, no report before the timeout). */
  error?: string;
  findings: FleetFinding[];
}

export interface SharedFinding {
  code: string;
  message: string;
  clusters: number;
}

const RANK = { error: 0, warning: 1, info: 2 } as const;
const LETTER = { error: "E", warning: "W", info: "I" } as const;

/** Codes that fired anywhere: errors' codes first (by how bad, then code), then the rest. */
export function firedCodes(rows: FleetRow[]): string[] {
  const worst = new Map<string, number>();
  for (const r of rows)
    for (const f of r.findings) worst.set(f.code, Math.min(worst.get(f.code) ?? 9, RANK[f.severity]));
  return [...worst.keys()].sort((a, b) => worst.get(a)! - worst.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
}

/** The matrix as aligned text; a legend line under it. */
export function formatMatrix(rows: FleetRow[]): string {
  const codes = firedCodes(rows);
  const header = ["CLUSTER", "SCORE", ...codes, "STATUS"];
  const lines = rows.map((r) => {
    const cells = codes.map((code) => {
      let best: number | undefined;
      for (const f of r.findings) if (f.code === code) best = Math.min(best ?? 9, RANK[f.severity]);
      return best === undefined ? "." : LETTER[(["error", "warning", "info"] as const)[best]];
    });
    return [r.cluster, r.score === undefined ? "-" : String(r.score), ...cells, r.error ?? "scanned"];
  });
  return columns([header, ...lines], "");
}

/** Findings (code + message) present in at least `min` clusters, most widespread first. */
export function sharedFindings(rows: FleetRow[], min = 2): SharedFinding[] {
  const seen = new Map<string, { code: string; message: string; clusters: Set<string> }>();
  for (const r of rows)
    for (const f of r.findings) {
      const key = `${f.code}\u0000${f.message}`;
      const e = seen.get(key) ?? { code: f.code, message: f.message, clusters: new Set<string>() };
      e.clusters.add(r.cluster);
      seen.set(key, e);
    }
  return [...seen.values()]
    .filter((e) => e.clusters.size >= min)
    .map((e) => ({ code: e.code, message: e.message, clusters: e.clusters.size }))
    .sort((a, b) => b.clusters - a.clusters || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));
}

export function formatShared(shared: SharedFinding[]): string {
  if (shared.length === 0) return "No finding is shared by two or more clusters.\n";
  return `Findings shared by many clusters:\n${shared
    .map((s) => `  ${String(s.clusters).padStart(4)}  ${s.code}  ${s.message}`)
    .join("\n")}\n`;
}
