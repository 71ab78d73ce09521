// runChecks: the framework's promises to the user, whatever the checks do — sorted findings, a
// status per check, a documented score, and no crash from a broken check or an unreadable input.
import assert from "node:assert/strict";
import { test } from "node:test";
import { checkPenalty, compareFindings, FAILED_CODE, runChecks, SKIPPED_CODE } from "./scan.ts";
import type { Check, ClusterSnapshot, Finding, Severity } from "./types.ts";

const NOW = new Date("2025-06-01T12:00:00Z");

function snap(unreadable: ClusterSnapshot["unreadable"] = {}): ClusterSnapshot {
  return {
    kubernetesVersion: "v1.30.2",
    objects: { services: [], pods: [] },
    unreadable,
    servedResources: [],
    kubeconfigCertificates: [],
  };
}

function finding(code: string, severity: Severity, name?: string, namespace?: string): Finding {
  return {
    code,
    severity,
    ...(name
      ? { object: { apiVersion: "v1", kind: "Service", name, ...(namespace ? { namespace } : {}) } }
      : {}),
    message: `${name ?? "cluster"} has a problem`,
    fix: "fix it",
  };
}

function check(code: string, out: Finding[] | (() => Finding[]), extra: Partial<Check> = {}): Check {
  return {
    code,
    area: "network",
    title: `title of ${code}`,
    severity: "warning",
    reads: ["services"],
    description: "d",
    run: typeof out === "function" ? out : () => out,
    ...extra,
  };
}

test("findings are sorted by severity, then code, then object", () => {
  const r = runChecks(
    snap(),
    [
      check("MCP-NET-002", [
        finding("MCP-NET-002", "warning", "b", "ns"),
        finding("MCP-NET-002", "error", "z"),
      ]),
      check("MCP-NET-001", [
        finding("MCP-NET-001", "warning", "a", "ns"),
        finding("MCP-NET-001", "info"),
        finding("MCP-NET-001", "warning", "a", "default"),
      ]),
    ],
    { now: NOW },
  );
  assert.deepEqual(
    r.findings.map(
      (f) => `${f.severity} ${f.code} ${f.object ? `${f.object.namespace ?? ""}/${f.object.name}` : "-"}`,
    ),
    [
      "error MCP-NET-002 /z",
      "warning MCP-NET-001 default/a",
      "warning MCP-NET-001 ns/a",
      "warning MCP-NET-002 ns/b",
      "info MCP-NET-001 -",
    ],
  );
  assert.deepEqual(r.summary, { error: 1, warning: 3, info: 1 });
  assert.equal([...r.findings].sort(compareFindings).length, 5);
});

test("a check that throws becomes an info finding, and the others still run", () => {
  const r = runChecks(
    snap(),
    [
      check("MCP-NET-001", () => {
        throw new TypeError("cannot read properties of undefined (reading 'ports')");
      }),
      check("MCP-NET-002", [finding("MCP-NET-002", "error", "web", "default")]),
    ],
    { now: NOW },
  );
  assert.deepEqual(
    r.checks.map((c) => [c.code, c.status, c.findings]),
    [
      ["MCP-NET-001", "failed", 0],
      ["MCP-NET-002", "ran", 1],
    ],
  );
  const failed = r.findings.find((f) => f.code === FAILED_CODE)!;
  assert.equal(failed.severity, "info");
  assert.match(failed.message, /^check failed: MCP-NET-001 \(title of MCP-NET-001\): cannot read properties/);
  assert.ok(failed.fix);
  assert.equal(r.score, 90, "a failed check costs nothing; the error costs 10");
});

test("an unreadable input skips the checks that read it, with one info finding each", () => {
  let ran = false;
  const r = runChecks(
    snap({ secrets: "permission denied reading secrets (v1): HTTP 403: forbidden" }),
    [
      check(
        "MCP-OPS-001",
        () => {
          ran = true;
          return [];
        },
        { reads: ["secrets"], area: "operations", title: "Certificate expires soon" },
      ),
      check("MCP-SEC-001", [], { reads: ["pods", "secrets"], area: "security" }),
      check("MCP-NET-001", [], { reads: ["services"] }),
    ],
    { now: NOW },
  );
  assert.equal(ran, false);
  assert.deepEqual(
    r.checks.map((c) => c.status),
    ["skipped-unreadable", "skipped-unreadable", "ran"],
  );
  const skipped = r.findings.filter((f) => f.code === SKIPPED_CODE);
  assert.equal(skipped.length, 2);
  assert.equal(skipped[0].severity, "info");
  assert.match(
    skipped[0].message,
    /MCP-OPS-001 \(Certificate expires soon\) did not run: permission denied reading secrets/,
  );
  assert.match(skipped[0].fix, /--verb=get,list --resource=secrets/);
  assert.equal(r.score, 100);
});

test("--checks areas: only the named areas run", () => {
  const r = runChecks(snap(), [check("MCP-NET-001", []), check("MCP-STO-001", [], { area: "storage" })], {
    now: NOW,
    only: ["storage"],
  });
  assert.deepEqual(
    r.checks.map((c) => c.code),
    ["MCP-STO-001"],
  );
});

test("the context carries the target version and the clock", () => {
  let seen: unknown;
  runChecks(
    snap(),
    [
      check("MCP-VER-001", [], {
        run: (ctx) => {
          seen = [ctx.targetVersion, ctx.now.toISOString()];
          return [];
        },
      }),
    ],
    { now: NOW, targetVersion: "1.31" },
  );
  assert.deepEqual(seen, ["1.31", NOW.toISOString()]);
});

test("score: 10 per error, 3 per warning, each check capped at 3x its costliest finding, floored at 0", () => {
  const many = (code: string, sev: Severity, n: number) =>
    Array.from({ length: n }, (_, i) => finding(code, sev, `s${i}`, "ns"));
  assert.equal(checkPenalty([]), 0);
  assert.equal(checkPenalty(many("X", "info", 50)), 0);
  assert.equal(checkPenalty(many("X", "warning", 2)), 6);
  assert.equal(checkPenalty(many("X", "warning", 200)), 9);
  assert.equal(checkPenalty(many("X", "error", 2)), 20);
  assert.equal(checkPenalty([...many("X", "error", 1), ...many("X", "warning", 200)]), 30);

  const score = (checks: Check[]) => runChecks(snap(), checks, { now: NOW }).score;
  assert.equal(score([]), 100);
  assert.equal(score([check("MCP-NET-001", many("MCP-NET-001", "warning", 500))]), 91);
  assert.equal(
    score([
      check("MCP-NET-001", many("MCP-NET-001", "error", 1)),
      check("MCP-NET-002", many("MCP-NET-002", "warning", 1)),
    ]),
    87,
  );
  const four = ["1", "2", "3", "4"].map((n) => check(`MCP-NET-00${n}`, many(`MCP-NET-00${n}`, "error", 3)));
  assert.equal(score(four), 0);
});
