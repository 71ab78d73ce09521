// The fleet matrix and shared findings over hand-made rows.
import assert from "node:assert/strict";
import { test } from "node:test";
import { type FleetRow, firedCodes, formatMatrix, formatShared, sharedFindings } from "./matrix.ts";

const rows: FleetRow[] = [
  {
    cluster: "a",
    score: 87,
    findings: [
      { code: "MCP-NET-004", severity: "warning", object: "default/Service/x", message: "x selects nothing" },
      { code: "MCP-VER-001", severity: "error", message: "etcd too old" },
      { code: "MCP-OPS-002", severity: "info", message: "no backups" },
    ],
  },
  { cluster: "b", score: 97, findings: [{ code: "MCP-OPS-002", severity: "info", message: "no backups" }] },
  { cluster: "c", error: "cluster offline", findings: [] },
];

test("matrix: codes that fired anywhere, worst severity letter per cell, offline row", () => {
  assert.deepEqual(firedCodes(rows), ["MCP-VER-001", "MCP-NET-004", "MCP-OPS-002"]);
  const lines = formatMatrix(rows).trimEnd().split("\n");
  assert.match(lines[0], /^CLUSTER\s+SCORE\s+MCP-VER-001\s+MCP-NET-004\s+MCP-OPS-002\s+STATUS$/);
  assert.deepEqual(lines[1].split(/\s+/), ["a", "87", "E", "W", "I", "scanned"]);
  assert.deepEqual(lines[2].split(/\s+/), ["b", "97", ".", ".", "I", "scanned"]);
  assert.deepEqual(lines[3].split(/\s+/), ["c", "-", ".", ".", ".", "cluster", "offline"]);
});

test("shared findings: same code and message in two or more clusters", () => {
  assert.deepEqual(sharedFindings(rows), [{ code: "MCP-OPS-002", message: "no backups", clusters: 2 }]);
  assert.match(formatShared(sharedFindings(rows)), /2 {2}MCP-OPS-002 {2}no backups/);
  assert.match(formatShared([]), /No finding is shared/);
});
