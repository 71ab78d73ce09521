import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, pod, runCheck, service, snapshot } from "../testing.ts";
import { serviceNoPods } from "./service-no-pods.ts";

const pods = [
  pod("shop", "web-1", { labels: { app: "web", tier: "front" } }),
  pod("shop", "batch-1", { labels: { app: "batch" }, phase: "Succeeded" }),
  pod("other", "api-1", { labels: { app: "api" } }),
];

test("MCP-NET-004 fires on Services whose selector matches no live pod in their namespace", () => {
  const snap = snapshot({
    pods,
    services: [
      service("shop", "web", { app: "web" }),
      service("shop", "web-v2", { app: "web", version: "v2" }), // drifted label
      service("shop", "batch", { app: "batch" }), // only a finished pod
      service("shop", "api", { app: "api" }), // pod lives in another namespace
      service("shop", "external", undefined), // no selector: manual endpoints
      service("shop", "db", undefined, { type: "ExternalName", externalName: "db.example.com" }),
    ],
  });
  const findings = runCheck(serviceNoPods, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-NET-004 Service shop/api",
    "MCP-NET-004 Service shop/batch",
    "MCP-NET-004 Service shop/web-v2",
  ]);
  assert.match(findings.find((f) => f.object?.name === "web-v2")?.message ?? "", /app=web,version=v2/);
});

test("MCP-NET-004 is silent on a healthy cluster", () => {
  const snap = snapshot({ pods, services: [service("shop", "web", { tier: "front" })] });
  assert.deepEqual(runCheck(serviceNoPods, context(snap)), []);
});
