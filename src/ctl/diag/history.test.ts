// `mcpctl diag history` from latest reports: one cluster's scans newest first, and the fleet's
// scans gathered across clusters with their coverage, failures, scores and severities.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { ReportObject } from "./collect.ts";
import { formatClusterHistory, formatScans, recordsOf, summarizeScans } from "./history.ts";

const latest = (cluster: string, scan: string, status: Record<string, unknown>, targetVersion?: string) =>
  ({
    apiVersion: "mcp.platform/v1",
    kind: "DiagnosticReport",
    metadata: { name: cluster, labels: { "mcp.platform/scan": scan } },
    spec: { cluster, ...(targetVersion ? { targetVersion } : {}) },
    status,
  }) as ReportObject;

const a = latest(
  "a",
  "scan-3",
  {
    scannedAt: "2026-01-03T00:00:00Z",
    score: 80,
    kubernetesVersion: "v1.29.4",
    summary: { error: 1, warning: 2, info: 0 },
    findings: [],
    history: [
      { scan: "scan-2", scannedAt: "2026-01-02T00:00:05Z", error: "cluster offline" },
      {
        scan: "scan-1",
        scannedAt: "2026-01-01T00:00:00Z",
        score: 90,
        summary: { error: 0, warning: 3, info: 1 },
      },
    ],
  },
  "1.30",
);
const b = latest("b", "scan-2", {
  scannedAt: "2026-01-02T00:00:00Z",
  score: 100,
  summary: { error: 0, warning: 0, info: 2 },
  history: [
    {
      scan: "scan-1",
      scannedAt: "2026-01-01T00:00:03Z",
      score: 70,
      summary: { error: 3, warning: 0, info: 0 },
    },
  ],
});

test("one cluster's scans, newest first, its latest result included", () => {
  const records = recordsOf(a);
  assert.deepEqual(
    records.map((r) => [r.scan, r.score, r.error]),
    [
      ["scan-3", 80, undefined],
      ["scan-2", undefined, "cluster offline"],
      ["scan-1", 90, undefined],
    ],
  );
  assert.equal(records[0].targetVersion, "1.30");
  assert.deepEqual(formatClusterHistory(records).split("\n"), [
    "SCAN     SCANNED                SCORE   ERRORS   WARNINGS   INFO   VERSION   STATUS",
    "scan-3   2026-01-03T00:00:00Z   80      1        2          0      v1.29.4   scanned for an upgrade to 1.30",
    "scan-2   2026-01-02T00:00:05Z   -       -        -          -      -         cluster offline",
    "scan-1   2026-01-01T00:00:00Z   90      0        3          1      -         scanned",
    "",
  ]);
});

test("fleet scans: one row per scan across clusters, newest first", () => {
  const rows = summarizeScans([a, b].flatMap(recordsOf));
  assert.deepEqual(rows, [
    {
      scan: "scan-3",
      scannedAt: "2026-01-03T00:00:00Z",
      clusters: 1,
      failed: 0,
      minScore: 80,
      meanScore: 80,
      summary: { error: 1, warning: 2, info: 0 },
    },
    {
      scan: "scan-2",
      scannedAt: "2026-01-02T00:00:00Z",
      clusters: 2,
      failed: 1,
      minScore: 100,
      meanScore: 100,
      summary: { error: 0, warning: 0, info: 2 },
    },
    {
      scan: "scan-1",
      scannedAt: "2026-01-01T00:00:00Z",
      clusters: 2,
      failed: 0,
      minScore: 70,
      meanScore: 80,
      summary: { error: 3, warning: 3, info: 1 },
    },
  ]);
  assert.match(
    formatScans(rows),
    /^SCAN\s+SCANNED\s+CLUSTERS\s+FAILED\s+MIN SCORE\s+MEAN SCORE\s+ERRORS\s+WARNINGS\s+INFO\n/,
  );
  assert.match(formatScans([]), /No diagnostic scans found/);
});
