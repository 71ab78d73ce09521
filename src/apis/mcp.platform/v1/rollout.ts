// Rollout: a progressive change across clusters in waves, with pre-checks, health gates and
// automatic rollback; and DiagnosticReport, one cluster's stored scan result.
import { Type } from "@sinclair/typebox";
import { Conditions, Duration, LabelSelector, platformObject, ResourceSelector } from "./common.ts";

const Wave = Type.Object({
  name: Type.Optional(Type.String()),
  percent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
  clusters: Type.Optional(Type.Array(Type.String())),
  clusterSelector: Type.Optional(LabelSelector),
  bakeTime: Type.Optional(Duration),
});

const HealthGate = Type.Object({
  name: Type.String({ minLength: 1 }),
  /** A PromQL query, or a built-in metric reported by agents: errorRate, p99Latency, nodesLost. */
  query: Type.Optional(Type.String()),
  metric: Type.Optional(Type.String()),
  threshold: Type.Number(),
  comparison: Type.Optional(
    Type.Union([Type.Literal(">"), Type.Literal("<"), Type.Literal(">="), Type.Literal("<=")]),
  ),
  for: Type.Optional(Duration),
});

export const Rollout = platformObject("Rollout", {
  spec: Type.Object({
    resourceSelectors: Type.Optional(Type.Array(ResourceSelector)),
    clusterSelector: Type.Optional(LabelSelector),
    waves: Type.Array(Wave, { minItems: 1 }),
    preChecks: Type.Optional(
      Type.Object({
        diagnostics: Type.Optional(Type.Boolean()),
        maxNodeCPUPercent: Type.Optional(Type.Integer({ minimum: 1, maximum: 100 })),
        healthz: Type.Optional(Type.Boolean()),
      }),
    ),
    healthGates: Type.Optional(Type.Array(HealthGate)),
    prometheus: Type.Optional(Type.Object({ url: Type.String() })),
    maxFailures: Type.Optional(Type.Integer({ minimum: 0 })),
    autoRollback: Type.Optional(Type.Boolean({ default: true })),
    paused: Type.Optional(Type.Boolean()),
  }),
  status: Type.Object({
    conditions: Type.Optional(Conditions),
    phase: Type.Optional(Type.String()),
    currentWave: Type.Optional(Type.Integer()),
    lastGoodRevision: Type.Optional(Type.String()),
    clusters: Type.Optional(Type.Array(Type.Record(Type.String(), Type.Unknown()))),
  }),
});

const Finding = Type.Object({
  code: Type.String(),
  severity: Type.Union([Type.Literal("info"), Type.Literal("warning"), Type.Literal("error")]),
  object: Type.Optional(Type.String()),
  message: Type.String(),
  fix: Type.Optional(Type.String()),
});

const Summary = Type.Object({ error: Type.Integer(), warning: Type.Integer(), info: Type.Integer() });

/** An earlier scan of the cluster, summarised on its latest report (src/hub/diag/reports.ts). */
const ReportHistoryEntry = Type.Object({
  scan: Type.String(),
  scannedAt: Type.Optional(Type.String()),
  score: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
  summary: Type.Optional(Summary),
  kubernetesVersion: Type.Optional(Type.String()),
  targetVersion: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});

export const DiagnosticReport = platformObject("DiagnosticReport", {
  spec: Type.Object({ cluster: Type.String({ minLength: 1 }), targetVersion: Type.Optional(Type.String()) }),
  status: Type.Object({
    score: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
    scannedAt: Type.Optional(Type.String()),
    findings: Type.Optional(Type.Array(Finding)),
    kubernetesVersion: Type.Optional(Type.String()),
    /** Findings per severity. */
    summary: Type.Optional(Summary),
    /** Why the cluster could not be scanned (offline, unreachable); no score then. */
    error: Type.Optional(Type.String()),
    /** On the latest report of a cluster: its earlier scans, newest first, a bounded number. */
    history: Type.Optional(Type.Array(ReportHistoryEntry, { maxItems: 50 })),
  }),
});
