// Auditing existing objects: every matching rule counts as a pass or a failure per policy and in
// total, failures are listed with the object and message, warn rules report "warn", policies
// not audited in members are left out; and the hub's check of a report an agent sends.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { AuditRun, type ResourceInfo } from "./audit.ts";
import { type CompiledPolicy, compilePolicy } from "./compile.ts";
import { MAX_RESULTS, parsePolicyReport, policyReportObject } from "./report.ts";

function policy(name: string, spec: object): CompiledPolicy {
  const r = compilePolicy({ apiVersion: "mcp.platform/v1", kind: "ClusterPolicy", metadata: { name }, spec });
  assert.ok(r.policy, JSON.stringify(r.causes));
  return r.policy;
}

const POD: ResourceInfo = { group: "", version: "v1", kind: "Pod", resource: "pods", namespaced: true };

const pod = (name: string, image: string, privileged = false): KubeObject => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: "shop" },
  spec: { containers: [{ name: "c", image, securityContext: { privileged } }] },
});

function run(policies: CompiledPolicy[], objects: KubeObject[]) {
  const a = new AuditRun({
    policies,
    clusterLabels: { env: "prod" },
    namespaces: new Map(),
    now: () => new Date("2030-01-01T00:00:00Z"),
  });
  for (const o of objects) a.audit(o, POD);
  return a.finish();
}

test("failures are listed per object; passes only counted; per-policy counts add up", () => {
  const s = run(
    [
      policy("no-privileged", { rules: [{ action: "deny", condition: "privileged-containers" }] }),
      policy("pinned-images", { rules: [{ action: "warn", condition: "latest-image-tag" }] }),
      policy("prod-only", { rules: [{ action: "audit", condition: "cluster.exists(c, c.env == 'dev')" }] }),
    ],
    [pod("a", "nginx:1.25"), pod("b", "nginx", true), pod("c", "nginx:latest")],
  );
  assert.deepEqual(s.summary, { pass: 6, fail: 1, warn: 2, error: 0 });
  assert.deepEqual(s.policies, [
    { name: "no-privileged", pass: 2, fail: 1, warn: 0, error: 0 },
    { name: "pinned-images", pass: 1, fail: 0, warn: 2, error: 0 },
    { name: "prod-only", pass: 3, fail: 0, warn: 0, error: 0 },
  ]);
  assert.deepEqual(
    s.results?.map((r) => [r.policy, r.result, r.action, r.resource?.name, r.message]),
    [
      ["no-privileged", "fail", "deny", "b", "privileged containers: c"],
      ["pinned-images", "warn", "warn", "b", "images without a pinned tag: c=nginx"],
      ["pinned-images", "warn", "warn", "c", "images without a pinned tag: c=nginx:latest"],
    ],
  );
  assert.equal(s.objectsAudited, 3);
  assert.equal(s.lastAuditTime, "2030-01-01T00:00:00.000Z");
});

test("policies with auditInMembers: false are not audited", () => {
  const s = run(
    [policy("admission-only", { auditInMembers: false, rules: [{ action: "deny", condition: "true" }] })],
    [pod("a", "x:1")],
  );
  assert.deepEqual(s.summary, { pass: 0, fail: 0, warn: 0, error: 0 });
  assert.deepEqual(s.policies, []);
});

test("beyond MAX_RESULTS the list is truncated and the counts stay complete", () => {
  const pods = Array.from({ length: MAX_RESULTS + 5 }, (_, i) => pod(`p${i}`, "x", true));
  const s = run(
    [policy("no-privileged", { rules: [{ action: "deny", condition: "privileged-containers" }] })],
    pods,
  );
  assert.equal(s.results?.length, MAX_RESULTS);
  assert.equal(s.truncated, true);
  assert.equal(s.summary?.fail, MAX_RESULTS + 5);
});

test("an agent's report: accepted when well-formed, refused when oversized or malformed", () => {
  const status = run(
    [policy("no-privileged", { rules: [{ action: "deny", condition: "privileged-containers" }] })],
    [pod("b", "x:1", true)],
  );
  const good = JSON.stringify(policyReportObject("east-1", status));
  assert.deepEqual(parsePolicyReport(good), status);
  const withExtra = JSON.stringify(
    policyReportObject("east-1", { ...status, injected: { big: 1 } } as never),
  );
  assert.equal(
    (parsePolicyReport(withExtra) as Record<string, unknown>).injected,
    undefined,
    "unknown fields dropped",
  );
  const refuse = (json: string, why: RegExp) => {
    const r = parsePolicyReport(json);
    assert.ok(r instanceof Error, `accepted ${json.slice(0, 80)}`);
    assert.match(r.message, why);
  };
  refuse("{", /not JSON/);
  refuse(JSON.stringify({ kind: "DiagnosticReport", status: {} }), /not a PolicyReport/);
  refuse(JSON.stringify({ kind: "PolicyReport", status: { summary: { pass: "x" } } }), /status\.summary/);
  refuse(
    JSON.stringify({ kind: "PolicyReport", status: { summary: { pass: -1, fail: 0, warn: 0, error: 0 } } }),
    /negative/,
  );
  refuse(JSON.stringify({ kind: "PolicyReport", status: { error: "x".repeat(5000) } }), /longer than 4096/);
  refuse(
    JSON.stringify({ kind: "PolicyReport", status: { error: "x".repeat(2 * 1024 * 1024) } }),
    /larger than/,
  );
  const many = Array.from({ length: MAX_RESULTS + 1 }, () => ({ policy: "p", result: "fail" }));
  refuse(JSON.stringify({ kind: "PolicyReport", status: { results: many } }), /more than 1000 results/);
});
