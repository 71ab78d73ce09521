import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, namespace, networkPolicy, runCheck, snapshot } from "../testing.ts";
import { namespaceNoPolicy } from "./namespace-no-policy.ts";

const system = ["kube-system", "kube-public", "kube-node-lease"].map((n) => namespace(n));

test("MCP-NET-007 fires on tenant namespaces without any policy", () => {
  const snap = snapshot({
    namespaces: [...system, namespace("shop"), namespace("default"), namespace("guarded")],
    networkpolicies: [networkPolicy("guarded", "deny", {})],
  });
  const findings = runCheck(namespaceNoPolicy, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NET-007 Namespace default", "MCP-NET-007 Namespace shop"]);
  assert.equal(findings[0].severity, "info");
});

test("MCP-NET-007 is silent when every tenant namespace has a policy", () => {
  const snap = snapshot({
    namespaces: [...system, namespace("shop")],
    networkpolicies: [networkPolicy("shop", "deny", {})],
  });
  assert.deepEqual(runCheck(namespaceNoPolicy, context(snap)), []);
});
