// `mcp-diag scan -o json`: the report as one JSON document whose shape is fixed by
// report.schema.json beside this file (reportVersion 1). Fleet mode stores the same document.

import type { CheckStatus, ScanResult } from "../scan.ts";
import type { Area, Finding, Severity } from "../types.ts";

export interface ReportMeta {
  /** The cluster's name in the kubeconfig. */
  cluster: string;
  scannedAt: Date;
  /** Resources the snapshot could not read, with why. */
  unreadable: Record<string, string>;
}

export interface JsonReport {
  reportVersion: 1;
  cluster: string;
  kubernetesVersion: string;
  targetVersion: string | null;
  scannedAt: string;
  score: number;
  summary: Record<Severity, number>;
  findings: Finding[];
  checks: {
    code: string;
    area: Area;
    title: string;
    severity: Severity;
    status: CheckStatus;
    findings: number;
  }[];
  unreadable: Record<string, string>;
}

export function jsonReport(result: ScanResult, meta: ReportMeta): JsonReport {
  return {
    reportVersion: 1,
    cluster: meta.cluster,
    kubernetesVersion: result.kubernetesVersion,
    targetVersion: result.targetVersion ?? null,
    scannedAt: meta.scannedAt.toISOString(),
    score: result.score,
    summary: { ...result.summary },
    // Fixed key order, and only the contract's fields: a check may not leak extras into the report.
    findings: result.findings.map((f) => ({
      code: f.code,
      severity: f.severity,
      ...(f.object
        ? {
            object: {
              apiVersion: f.object.apiVersion,
              kind: f.object.kind,
              ...(f.object.namespace ? { namespace: f.object.namespace } : {}),
              name: f.object.name,
            },
          }
        : {}),
      message: f.message,
      fix: f.fix,
    })),
    checks: result.checks.map((c) => ({
      code: c.code,
      area: c.area,
      title: c.title,
      severity: c.severity,
      status: c.status,
      findings: c.findings,
    })),
    unreadable: { ...meta.unreadable },
  };
}

export function formatJson(result: ScanResult, meta: ReportMeta): string {
  return `${JSON.stringify(jsonReport(result, meta), null, 2)}\n`;
}
