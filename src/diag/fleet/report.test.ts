// The agent's DiagnosticReport as untrusted input, and check selection by area or code.
import assert from "node:assert/strict";
import { test } from "node:test";
import { MAX_REPORT_BYTES } from "../../apis/agent/v1/report-payload.ts";
import { parseAgentReport, reportObject, selectChecks } from "./report.ts";

const good = reportObject(
  "c1",
  "scan-1",
  {},
  {
    scannedAt: "2026-01-01T00:00:00Z",
    score: 90,
    summary: { error: 1, warning: 0, info: 0 },
    findings: [
      { code: "MCP-NET-004", severity: "error", object: "default/Service/x", message: "m", fix: "f" },
    ],
  },
);

test("a well-formed report keeps only its status fields", () => {
  const withExtra = { ...good, status: { ...(good.status as object), injected: "x" } };
  const parsed = parseAgentReport(JSON.stringify(withExtra));
  assert.ok(!(parsed instanceof Error), String(parsed));
  assert.deepEqual(parsed, good.status);
});

test("malformed reports are refused with the reason", () => {
  const bad = (status: unknown) => parseAgentReport(JSON.stringify({ ...good, status }));
  assert.match(String(parseAgentReport("{")), /not JSON/);
  assert.match(
    String(parseAgentReport(JSON.stringify({ kind: "Pod", status: {} }))),
    /not a DiagnosticReport/,
  );
  assert.match(String(bad({ scannedAt: "t", score: 101 })), /score out of range/);
  assert.match(
    String(bad({ scannedAt: "t", findings: [{ code: "X", severity: "fatal", message: "m" }] })),
    /findings\[0\]/,
  );
  assert.match(String(bad({ scannedAt: "t", summary: { error: -1, warning: 0, info: 0 } })), /summary.error/);
  assert.match(String(parseAgentReport(" ".repeat(MAX_REPORT_BYTES + 1))), /larger than/);
});

test("checks are selected by area or by code", () => {
  assert.ok(selectChecks(undefined).length > 10);
  assert.ok(selectChecks(["network"]).every((c) => c.area === "network"));
  assert.deepEqual(
    selectChecks(["MCP-NET-004"]).map((c) => c.code),
    ["MCP-NET-004"],
  );
  assert.deepEqual(selectChecks(["nope"]), []);
});
