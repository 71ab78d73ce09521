// `mcp-diag scan` (default output): what a person reads in a terminal — one row per finding
// (SEVERITY CODE OBJECT MESSAGE), then the fix for each, then one summary line with the score.
import { objectName, type ScanResult } from "../scan.ts";
import type { ReportMeta } from "./json.ts";

export function formatTable(result: ScanResult, meta: ReportMeta): string {
  const lines: string[] = [];
  if (result.findings.length === 0) lines.push("No findings.");
  else {
    const rows = result.findings.map((f) => [f.severity, f.code, objectName(f.object) || "-", f.message]);
    lines.push(...columns([["SEVERITY", "CODE", "OBJECT", "MESSAGE"], ...rows]));
    lines.push("", "Fixes:");
    for (const f of result.findings) {
      const what = objectName(f.object);
      lines.push(`  ${f.code}${what ? ` ${what}` : ""}: ${f.fix}`);
    }
  }
  lines.push("", summaryLine(result, meta));
  return `${lines.join("\n")}\n`;
}

/** "cluster sim-001 (v1.30.2): score 87/100 — 1 error, 2 warnings, 0 info; 41 checks ran, 2 skipped". */
export function summaryLine(result: ScanResult, meta: ReportMeta): string {
  const s = result.summary;
  const count = (n: number, word: string) => `${n} ${word}${n === 1 || word === "info" ? "" : "s"}`;
  const ran = result.checks.filter((c) => c.status === "ran").length;
  const skipped = result.checks.filter((c) => c.status === "skipped-unreadable").length;
  const failed = result.checks.filter((c) => c.status === "failed").length;
  const target = result.targetVersion ? `, target ${result.targetVersion}` : "";
  return (
    `cluster ${meta.cluster} (${result.kubernetesVersion}${target}): score ${result.score}/100 — ` +
    `${count(s.error, "error")}, ${count(s.warning, "warning")}, ${count(s.info, "info")}; ` +
    `${count(ran, "check")} ran` +
    (skipped ? `, ${skipped} skipped (unreadable input)` : "") +
    (failed ? `, ${failed} failed` : "")
  );
}

/** Left-aligned columns two spaces apart; the last column is not padded. */
export function columns(rows: string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) =>
    r
      .map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i])))
      .join("  ")
      .trimEnd(),
  );
}
