// The policy engine inside a real hub with in-process agents: an invalid policy is a 422 naming
// the field and position; a policy reaches exactly the agents its clusterSelector selects, again
// when it changes; the agents' audits become PolicyReports stored under each stream's own cluster
// name; and a write the policy denies is refused over HTTP.
import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { PolicyAuditor } from "../../agent/audit/policy-auditor.ts";
import { bootstrapToken, eventually, startTestAgent, startTestHub } from "../../agent/testing.ts";
import type { CompiledPolicy } from "../../policy/compile.ts";
import type { PolicyReportStatus } from "../../policy/policy-types.ts";

const POLICIES = "/apis/mcp.platform/v1/clusterpolicies";
const REPORTS = "/apis/mcp.platform/v1/namespaces/mcp-system/policyreports";

interface Status {
  code: number;
  reason: string;
  message: string;
  details?: { causes?: { field: string; message: string }[] };
}

const policy = (name: string, spec: object) => ({
  apiVersion: "mcp.platform/v1",
  kind: "ClusterPolicy",
  metadata: { name },
  spec,
});

/** An agent whose "member" audit records the policies it was given and reports one failure each. */
function recordingAuditor(reportAs: string) {
  const seen: string[][] = [];
  const auditor = new PolicyAuditor({
    clusterName: reportAs,
    log: pino({ level: "silent" }),
    audit: async (policies: CompiledPolicy[]): Promise<PolicyReportStatus> => {
      seen.push(policies.map((p) => p.name));
      return {
        summary: { pass: 0, fail: policies.length, warn: 0, error: 0 },
        policies: policies.map((p) => ({ name: p.name, pass: 0, fail: 1, warn: 0, error: 0 })),
        results: policies.map((p) => ({ policy: p.name, result: "fail", message: `violates ${p.name}` })),
        lastAuditTime: new Date().toISOString(),
      };
    },
  });
  return { auditor, seen };
}

test("policies: validated at write, distributed by clusterSelector, audited, reported, enforced", async (t) => {
  const h = await startTestHub(t);

  const bad = await h.api<Status>(
    "POST",
    POLICIES,
    policy("broken", { rules: [{ action: "deny", condition: "object.metadata.name ==\n  " }] }),
  );
  assert.equal(bad.status, 422, JSON.stringify(bad.body));
  assert.equal(bad.body.reason, "Invalid");
  assert.equal(bad.body.details?.causes?.[0].field, "spec.rules[0].condition");
  assert.match(bad.body.details?.causes?.[0].message ?? "", /CEL compile error at line 2, column 3/);
  const costly = await h.api<Status>(
    "POST",
    POLICIES,
    policy("costly", {
      rules: [{ action: "deny", condition: "object.a.all(x, object.b.all(y, object.c.all(z, x == y)))" }],
    }),
  );
  assert.equal(costly.status, 422);
  assert.match(costly.body.message, /estimated cost/);

  const prod = recordingAuditor("prod");
  // This agent claims another cluster's name in its reports: the hub stores them as "dev".
  const dev = recordingAuditor("prod");
  await startTestAgent(t, h, "prod", {
    token: await bootstrapToken(h),
    labels: { env: "prod" },
    commands: { policies: prod.auditor.handle },
  });
  await startTestAgent(t, h, "dev", {
    token: await bootstrapToken(h),
    labels: { env: "dev" },
    commands: { policies: dev.auditor.handle },
  });
  // On connect each agent gets its (empty) set and reports.
  await eventually(() => assert.ok(prod.seen.length >= 1 && dev.seen.length >= 1), 10_000);
  const ok = await h.api(
    "POST",
    POLICIES,
    policy("prod-only", {
      clusterSelector: { matchLabels: { env: "prod" } },
      rules: [
        { action: "deny", condition: "has(object.data.forbidden)", match: { resources: ["configmaps"] } },
      ],
    }),
  );
  assert.equal(ok.status, 201, JSON.stringify(ok.body));
  await eventually(() => assert.deepEqual(prod.seen.at(-1), ["prod-only"]), 10_000);
  assert.ok(
    dev.seen.every((s) => s.length === 0),
    "dev is not selected",
  );

  const report = await eventually(async () => {
    const r = await h.api<{ status: PolicyReportStatus; spec: { cluster: string } }>(
      "GET",
      `${REPORTS}/prod`,
    );
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.body.status.policies?.map((p) => p.name),
      ["prod-only"],
    );
    return r.body;
  }, 10_000);
  assert.equal(report.spec.cluster, "prod");
  const devReport = await h.api<{ spec: { cluster: string } }>("GET", `${REPORTS}/dev`);
  assert.equal(devReport.status, 200, "the dev agent's report is stored under its own name");
  assert.equal(devReport.body.spec.cluster, "dev");

  // A change of the policy reaches the agent again.
  const patched = await h.api("PATCH", `${POLICIES}/prod-only`, {
    spec: { clusterSelector: { matchLabels: { env: "dev" } } },
  });
  assert.equal(patched.status, 200, JSON.stringify(patched.body));
  await eventually(() => assert.deepEqual(dev.seen.at(-1), ["prod-only"]), 10_000);
  await eventually(() => assert.deepEqual(prod.seen.at(-1), []), 10_000);

  // Enforcement at the hub.
  const denied = await h.api<Status>("POST", "/api/v1/namespaces/default/configmaps", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "nope" },
    data: { forbidden: "1" },
  });
  assert.equal(denied.status, 403);
  assert.match(
    denied.body.message,
    /denied by ClusterPolicy "prod-only" rule "rule-0": failed expression: has\(object.data.forbidden\)/,
  );
  const allowed = await h.api("POST", "/api/v1/namespaces/default/configmaps", {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "fine" },
    data: { ok: "1" },
  });
  assert.equal(allowed.status, 201);
});
