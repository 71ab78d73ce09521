// Runs checks over one snapshot: the pure half of mcp-diag, shared by the standalone scanner and
// fleet mode. It never throws because of a check: a check that throws becomes an info finding
// (MCP-DIAG-001), a check whose inputs could not be read does not run and gets an info finding
// naming them (MCP-DIAG-000). Findings come back sorted, with a status per check and a score.
//
// Score (0–100, per cluster): 100 minus the penalties of every check, floored at 0 and rounded.
// A finding costs 10 points if it is an error, 3 if a warning, 0 if info; one check costs at most
// three times its costliest finding (30 for errors, 9 for warnings), so one noisy check — every
// pod of a big cluster lacking a probe — cannot zero the score alone, while many failing checks
// still can. Checks that did not run cost nothing; their info findings say so.
import { SNAPSHOT_SOURCES } from "./resources.ts";
import type { Area, Check, ClusterSnapshot, Finding, ObjectRef, Severity, SnapshotKey } from "./types.ts";

export type CheckStatus = "ran" | "skipped-unreadable" | "failed";

export interface CheckResult {
  code: string;
  area: Area;
  title: string;
  severity: Severity;
  status: CheckStatus;
  /** How many findings it produced (0 when it did not run). */
  findings: number;
}

export interface ScanResult {
  kubernetesVersion: string;
  targetVersion?: string;
  findings: Finding[];
  checks: CheckResult[];
  score: number;
  summary: Record<Severity, number>;
}

export interface RunOptions {
  targetVersion?: string;
  /** Run only the checks of these areas; default all. */
  only?: Area[];
  now: Date;
}

/** Codes the framework itself reports under (not any check's). */
export const SKIPPED_CODE = "MCP-DIAG-000";
export const FAILED_CODE = "MCP-DIAG-001";

/** The framework's own rules, for SARIF and `mcp-diag checks`. */
export const FRAMEWORK_RULES: Pick<Check, "code" | "title" | "severity" | "description">[] = [
  {
    code: SKIPPED_CODE,
    title: "Check did not run: input unreadable",
    severity: "info",
    description:
      "A check needs a resource the scan could not read (permission denied, not served, timed out); " +
      "it did not run, so its absence of findings means nothing.",
  },
  {
    code: FAILED_CODE,
    title: "Check failed",
    severity: "info",
    description: "A check threw an error on this cluster's data; it is a bug in mcp-diag, please report it.",
  },
];

const PENALTY: Record<Severity, number> = { error: 10, warning: 3, info: 0 };
const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function runChecks(snapshot: ClusterSnapshot, checks: Check[], opts: RunOptions): ScanResult {
  const selected = opts.only?.length ? checks.filter((c) => opts.only!.includes(c.area)) : checks;
  const findings: Finding[] = [];
  const results: CheckResult[] = [];
  let penalty = 0;
  for (const check of selected) {
    const missing = check.reads.filter((k) => snapshot.unreadable[k] !== undefined);
    const base = { code: check.code, area: check.area, title: check.title, severity: check.severity };
    if (missing.length > 0) {
      findings.push(skipped(check, missing, snapshot));
      results.push({ ...base, status: "skipped-unreadable", findings: 0 });
      continue;
    }
    let out: Finding[];
    try {
      out = check.run({ snapshot, targetVersion: opts.targetVersion, now: opts.now });
    } catch (e) {
      findings.push(failed(check, e));
      results.push({ ...base, status: "failed", findings: 0 });
      continue;
    }
    findings.push(...out);
    results.push({ ...base, status: "ran", findings: out.length });
    penalty += checkPenalty(out);
  }
  findings.sort(compareFindings);
  const summary: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) summary[f.severity]++;
  return {
    kubernetesVersion: snapshot.kubernetesVersion,
    ...(opts.targetVersion ? { targetVersion: opts.targetVersion } : {}),
    findings,
    checks: results,
    score: Math.max(0, Math.round(100 - penalty)),
    summary,
  };
}

/** One check's cost to the score: the sum of its findings, capped at 3× its costliest one. */
export function checkPenalty(findings: Finding[]): number {
  let sum = 0;
  let max = 0;
  for (const f of findings) {
    sum += PENALTY[f.severity];
    max = Math.max(max, PENALTY[f.severity]);
  }
  return Math.min(sum, 3 * max);
}

/** "namespace/Kind/name", or "Kind/name" for cluster-scoped objects. */
export function objectName(o: ObjectRef | undefined): string {
  if (!o) return "";
  return o.namespace ? `${o.namespace}/${o.kind}/${o.name}` : `${o.kind}/${o.name}`;
}

/** By severity (errors first), then code, then object, then message: stable across runs. */
export function compareFindings(a: Finding, b: Finding): number {
  return (
    RANK[a.severity] - RANK[b.severity] ||
    cmp(a.code, b.code) ||
    cmp(objectName(a.object), objectName(b.object)) ||
    cmp(a.message, b.message)
  );
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function skipped(check: Check, missing: SnapshotKey[], snapshot: ClusterSnapshot): Finding {
  const reasons = missing.map((k) => snapshot.unreadable[k]).join("; ");
  // kubectl's resource.group form, so the command works for any group (backups.velero.io).
  const resources = missing.map((k) => {
    const s = SNAPSHOT_SOURCES[k];
    return s.group ? `${s.resource}.${s.group}` : s.resource;
  });
  return {
    code: SKIPPED_CODE,
    severity: "info",
    message: `${check.code} (${check.title}) did not run: ${reasons}`,
    fix:
      `Grant the scanning identity get and list on ${resources.join(", ")} (for example ` +
      `kubectl create clusterrole mcp-diag-read --verb=get,list --resource=${resources.join(",")} ` +
      "and bind it), " +
      "or ignore this if the resource is not served by this cluster.",
  };
}

function failed(check: Check, e: unknown): Finding {
  const why = e instanceof Error ? e.message : String(e);
  return {
    code: FAILED_CODE,
    severity: "info",
    message: `check failed: ${check.code} (${check.title}): ${why}`,
    fix: "This is a bug in mcp-diag: report it with the check code and the message; other checks are unaffected.",
  };
}
