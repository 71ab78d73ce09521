// Fleet mode's one-cluster half, shared by the agent (pull mode) and the hub (push mode): run a
// scan with the scan's parameters and shape the result as a DiagnosticReport, and — for the hub —
// check that a DiagnosticReport an agent sent is one (agents are untrusted input).
import type { KubeConfig } from "@kubernetes/client-node";
import { parseReportPayload } from "../../apis/agent/v1/report-payload.ts";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import { isObject, type KubeObject } from "../../apis/meta/types.ts";
import type { MemberConnections } from "../../kube/member-connections.ts";
import { labelValue } from "../../propagation/identity.ts";
import { allChecks } from "../checks/index.ts";
import { objectName, runChecks } from "../scan.ts";
import { takeSnapshot } from "../snapshot.ts";
import type { Check, Severity } from "../types.ts";

/** Reports live here, one per cluster, named after the cluster. */
export const REPORT_NAMESPACE = "mcp-system";
/** The label tying a report to the scan that produced it. */
export const SCAN_LABEL = "mcp.platform/scan";
/** The cluster a report is about (also in spec.cluster; the label is for selectors). */
export const CLUSTER_LABEL = "mcp.platform/cluster";
/** "latest" on mcp-system/<cluster>, "history" on the archived reports of earlier scans. */
export const REPORT_LABEL = "mcp.platform/report";
/** At most this many findings are stored per cluster; the summary still counts them all. */
export const MAX_FINDINGS = 1000;
export const OFFLINE = "cluster offline";

export interface DiagnoseParams {
  targetVersion?: string;
  /** Areas or check codes; empty or absent: every check. */
  checks?: string[];
}

export interface ReportStatus {
  score?: number;
  scannedAt: string;
  kubernetesVersion?: string;
  summary?: Record<Severity, number>;
  findings?: { code: string; severity: Severity; object?: string; message: string; fix?: string }[];
  error?: string;
  /** On the latest report only: the cluster's earlier scans, newest first (see hub/diag/reports.ts). */
  history?: HistoryEntry[];
}

/** One earlier scan of a cluster, as its latest report remembers it. */
export interface HistoryEntry {
  scan: string;
  scannedAt?: string;
  score?: number;
  summary?: Record<Severity, number>;
  kubernetesVersion?: string;
  targetVersion?: string;
  error?: string;
}

/** The checks a scan asked for: by area or by code. Unknown names select nothing. */
export function selectChecks(names: string[] | undefined): Check[] {
  if (!names?.length) return allChecks;
  const wanted = new Set(names);
  return allChecks.filter((c) => wanted.has(c.area) || wanted.has(c.code));
}

/** Snapshots the cluster and runs the checks; an unreachable cluster is a status with an error. */
export async function diagnose(
  kc: KubeConfig,
  params: DiagnoseParams,
  opts: { signal?: AbortSignal; timeoutMs?: number; connections?: MemberConnections } = {},
): Promise<ReportStatus> {
  const now = new Date();
  try {
    const snapshot = await takeSnapshot(kc, {
      signal: opts.signal,
      timeoutMs: opts.timeoutMs,
      connections: opts.connections,
    });
    const r = runChecks(snapshot, selectChecks(params.checks), {
      targetVersion: params.targetVersion,
      now,
    });
    return {
      score: r.score,
      scannedAt: now.toISOString(),
      kubernetesVersion: r.kubernetesVersion,
      summary: r.summary,
      findings: r.findings.slice(0, MAX_FINDINGS).map((f) => ({
        code: f.code,
        severity: f.severity,
        ...(f.object ? { object: objectName(f.object) } : {}),
        message: f.message,
        fix: f.fix,
      })),
    };
  } catch (e) {
    return { scannedAt: now.toISOString(), error: `scan failed: ${(e as Error).message}` };
  }
}

export function reportObject(
  cluster: string,
  scanId: string,
  params: DiagnoseParams,
  status: ReportStatus,
): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: "DiagnosticReport",
    metadata: {
      name: cluster,
      namespace: REPORT_NAMESPACE,
      labels: { ...reportLabels(cluster, scanId), [REPORT_LABEL]: "latest" },
    },
    spec: { cluster, ...(params.targetVersion ? { targetVersion: params.targetVersion } : {}) },
    status,
  };
}

/**
 * The scan and cluster labels. Scan ids are label-sized (the scan handler sees to it); the cluster
 * label is labelValue(name), as on the cluster's Work and PolicyReport (a name over 63 characters
 * cut with its hash); spec.cluster holds the full name.
 */
export function reportLabels(cluster: string, scanId: string): Record<string, string> {
  return { [SCAN_LABEL]: scanId, [CLUSTER_LABEL]: labelValue(cluster) };
}

const SEVERITIES = new Set(["info", "warning", "error"]);
const str = (v: unknown, max: number) => typeof v === "string" && v.length <= max;

/**
 * An agent's Report payload as a ReportStatus, or an Error saying what is wrong with it. Only the
 * status is taken from the agent: name, namespace, labels and spec are the hub's to set.
 */
export function parseAgentReport(json: string): ReportStatus | Error {
  const raw = parseReportPayload(json);
  if (raw instanceof Error) return raw;
  if (!isObject(raw) || raw.kind !== "DiagnosticReport" || !isObject(raw.status))
    return new Error("not a DiagnosticReport with a status");
  const s = raw.status;
  if (!str(s.scannedAt, 64)) return new Error("status.scannedAt missing");
  if (
    s.score !== undefined &&
    !(Number.isInteger(s.score) && (s.score as number) >= 0 && (s.score as number) <= 100)
  )
    return new Error("status.score out of range");
  if (s.error !== undefined && !str(s.error, 4096)) return new Error("status.error invalid");
  if (s.kubernetesVersion !== undefined && !str(s.kubernetesVersion, 64))
    return new Error("status.kubernetesVersion invalid");
  const out: ReportStatus = { scannedAt: s.scannedAt as string };
  if (s.score !== undefined) out.score = s.score as number;
  if (s.error !== undefined) out.error = s.error as string;
  if (s.kubernetesVersion !== undefined) out.kubernetesVersion = s.kubernetesVersion as string;
  if (s.summary !== undefined) {
    if (!isObject(s.summary)) return new Error("status.summary invalid");
    const sum = { error: 0, warning: 0, info: 0 };
    for (const k of ["error", "warning", "info"] as const) {
      const v = s.summary[k];
      if (!Number.isInteger(v) || (v as number) < 0) return new Error(`status.summary.${k} invalid`);
      sum[k] = v as number;
    }
    out.summary = sum;
  }
  if (s.findings !== undefined) {
    if (!Array.isArray(s.findings) || s.findings.length > MAX_FINDINGS)
      return new Error("status.findings invalid");
    out.findings = [];
    for (const [i, f] of s.findings.entries()) {
      if (
        !isObject(f) ||
        !str(f.code, 64) ||
        !SEVERITIES.has(f.severity as string) ||
        !str(f.message, 4096) ||
        (f.object !== undefined && !str(f.object, 1024)) ||
        (f.fix !== undefined && !str(f.fix, 8192))
      )
        return new Error(`status.findings[${i}] invalid`);
      out.findings.push({
        code: f.code as string,
        severity: f.severity as Severity,
        ...(f.object !== undefined ? { object: f.object as string } : {}),
        message: f.message as string,
        ...(f.fix !== undefined ? { fix: f.fix as string } : {}),
      });
    }
  }
  return out;
}
