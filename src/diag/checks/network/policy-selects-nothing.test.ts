import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, networkPolicy, pod, runCheck, snapshot } from "../testing.ts";
import { policySelectsNothing } from "./policy-selects-nothing.ts";

const pods = [
  pod("shop", "web-1", { labels: { app: "web", tier: "front" } }),
  pod("shop", "job-1", { labels: { app: "job" }, phase: "Failed" }),
  pod("other", "db-1", { labels: { app: "db" } }),
];

test("MCP-NET-006 fires on policies whose selector matches no live pod of their namespace", () => {
  const snap = snapshot({
    pods,
    networkpolicies: [
      networkPolicy("shop", "web-only", { matchLabels: { app: "web" } }),
      networkPolicy("shop", "typo", { matchLabels: { app: "wbe" } }),
      networkPolicy("shop", "db", { matchLabels: { app: "db" } }), // db runs in another namespace
      networkPolicy("shop", "jobs", { matchLabels: { app: "job" } }), // only a finished pod
      networkPolicy("shop", "expr", {
        matchExpressions: [{ key: "tier", operator: "In", values: ["front"] }],
      }),
      networkPolicy("shop", "not-web", {
        matchExpressions: [{ key: "app", operator: "NotIn", values: ["web"] }],
      }),
      networkPolicy("empty-ns", "default-deny", {}), // selects all pods, even future ones
    ],
  });
  const findings = runCheck(policySelectsNothing, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-NET-006 NetworkPolicy shop/db",
    "MCP-NET-006 NetworkPolicy shop/jobs",
    "MCP-NET-006 NetworkPolicy shop/not-web",
    "MCP-NET-006 NetworkPolicy shop/typo",
  ]);
});

test("MCP-NET-006 is silent on a healthy cluster", () => {
  const snap = snapshot({
    pods,
    networkpolicies: [
      networkPolicy("shop", "web-only", { matchLabels: { app: "web" } }),
      networkPolicy("other", "deny", {}),
    ],
  });
  assert.deepEqual(runCheck(policySelectsNothing, context(snap)), []);
});
