import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { decisionEvents, MAX_FAILURE_GROUPS, statusEvents } from "./events.ts";

const resource = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web", uid: "u1" };
const policy = { apiVersion: "mcp.platform/v1", kind: "PropagationPolicy", namespace: "shop", name: "app" };
const binding = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind: "ResourceBinding",
  metadata: { name: "web-deployment", namespace: "shop", uid: "b1" },
  spec: { resource, policy, clusters: [], ...spec },
  ...(status ? { status } : {}),
});
const scheduled = (message: string) => ({
  conditions: [{ type: "Scheduled", status: "True", reason: "Success", message, lastTransitionTime: "" }],
});
const text = (events: ReturnType<typeof statusEvents>) =>
  events.map((e) => `${e.involved.kind} ${e.type} ${e.reason}: ${e.message}`);

describe("scheduler events", () => {
  const ok = { status: "True" as const, reason: "Success", message: "placed on 2 cluster(s)" };
  const clusters = [
    { name: "a", replicas: 1 },
    { name: "b", replicas: 2 },
  ];

  it("a first placement: the policy applied and the clusters chosen, on template and binding", () => {
    assert.deepEqual(text(decisionEvents(undefined, binding({ clusters }), ok, policy)), [
      "Deployment Normal ApplyPolicySucceed: Apply policy(PropagationPolicy shop/app) succeed",
      "ResourceBinding Normal ApplyPolicySucceed: Apply policy(PropagationPolicy shop/app) succeed",
      "Deployment Normal ScheduleBindingSucceed: Binding has been scheduled successfully. Result: {a:1, b:2}",
      "ResourceBinding Normal ScheduleBindingSucceed: Binding has been scheduled successfully. Result: {a:1, b:2}",
    ]);
  });

  it("nothing when only labels or owners changed; only the placement when clusters moved", () => {
    const before = binding({ clusters }, scheduled(ok.message));
    assert.deepEqual(decisionEvents(before, binding({ clusters }), ok, policy), []);
    const moved = decisionEvents(before, binding({ clusters: [{ name: "c", replicas: 3 }] }), ok, policy);
    assert.deepEqual(
      moved.map((e) => e.reason),
      ["ScheduleBindingSucceed", "ScheduleBindingSucceed"],
    );
  });

  it("no cluster fits: a Warning with why; 1,000 clusters are not all named", () => {
    const failed = {
      status: "False" as const,
      reason: "NoClusterFit",
      message: "0/3 clusters are available",
    };
    assert.deepEqual(text(decisionEvents(undefined, binding({}), failed, undefined)).slice(0, 1), [
      "Deployment Warning ScheduleBindingFailed: NoClusterFit: 0/3 clusters are available",
    ]);
    const many = Array.from({ length: 1000 }, (_, i) => ({ name: `c${i}` }));
    const [e] = decisionEvents(undefined, binding({ clusters: many }), ok, undefined);
    assert.match(e.message, /Result: \{c0, c1, .*c9 and 990 more\}$/);
  });
});

describe("status events", () => {
  const entry = (cluster: string, applied?: boolean, reason?: string, message?: string) => ({
    cluster,
    ...(applied !== undefined ? { applied } : {}),
    ...(reason ? { reason } : {}),
    ...(message ? { message } : {}),
  });
  const pending = {
    type: "FullyApplied",
    status: "False" as const,
    reason: "Pending",
    message: "applied in 1 of 3",
  };
  const full = {
    type: "FullyApplied",
    status: "True" as const,
    reason: "FullyApplied",
    message: "applied in all 3 clusters",
  };

  it("clusters newly failing, grouped by error; the same failure again is not told twice", () => {
    const now = [
      entry("a", false, "Conflict", "exists, not managed by MCP"),
      entry("b", false, "Conflict", "exists, not managed by MCP"),
      entry("c", false, "OverrideFailed", "OverridePolicy shop/o rule 0: no path /spec/x"),
      entry("d", true),
    ];
    const events = statusEvents({
      binding: binding({}),
      before: {},
      aggregatedStatus: now,
      fullyApplied: pending,
    });
    assert.deepEqual(text(events), [
      "Deployment Warning SyncFailed: clusters a, b: Conflict: exists, not managed by MCP",
      "ResourceBinding Warning SyncFailed: clusters a, b: Conflict: exists, not managed by MCP",
      "Deployment Warning ApplyOverridePolicyFailed: cluster c: OverrideFailed: OverridePolicy shop/o rule 0: no path /spec/x",
      "ResourceBinding Warning ApplyOverridePolicyFailed: cluster c: OverrideFailed: OverridePolicy shop/o rule 0: no path /spec/x",
    ]);
    const again = statusEvents({
      binding: binding({}),
      before: { aggregatedStatus: now },
      aggregatedStatus: [...now.slice(0, 3), entry("d", false, "ApplyFailed", "the member said no")],
      fullyApplied: pending,
    });
    assert.deepEqual(text(again).slice(0, 1), [
      "Deployment Warning SyncFailed: cluster d: ApplyFailed: the member said no",
    ]);
    assert.equal(again.length, 2);
  });

  it("AggregateStatusSucceed when FullyApplied becomes True, not on later writes", () => {
    const all = [entry("a", true), entry("b", true), entry("c", true)];
    const first = statusEvents({
      binding: binding({}),
      before: {
        conditions: [
          { type: "FullyApplied", status: "False", reason: "Pending", message: "", lastTransitionTime: "" },
        ],
      },
      aggregatedStatus: all,
      fullyApplied: full,
    });
    assert.deepEqual(text(first), [
      "Deployment Normal AggregateStatusSucceed: Aggregated status: applied in all 3 clusters",
      "ResourceBinding Normal AggregateStatusSucceed: Aggregated status: applied in all 3 clusters",
    ]);
    const later = statusEvents({
      binding: binding({}),
      before: {
        conditions: [
          {
            type: "FullyApplied",
            status: "True",
            reason: "FullyApplied",
            message: "",
            lastTransitionTime: "",
          },
        ],
      },
      aggregatedStatus: all,
      fullyApplied: full,
    });
    assert.deepEqual(later, []);
  });

  it("1,000 clusters failing each in its own way: a bounded number of events", () => {
    const now = Array.from({ length: 1000 }, (_, i) => entry(`c${i}`, false, "ApplyFailed", `error ${i}`));
    const events = statusEvents({
      binding: binding({}),
      before: {},
      aggregatedStatus: now,
      fullyApplied: pending,
    });
    assert.equal(events.length, 2 * (MAX_FAILURE_GROUPS + 1));
    assert.match(events.at(-1)!.message, /^997 more clusters failed otherwise: c3, c4, .* and 987 more/);
  });
});
