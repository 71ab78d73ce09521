import assert from "node:assert/strict";
import { test } from "node:test";
import { context, endpointSlice, findingKeys, pod, runCheck, service, snapshot } from "../testing.ts";
import { serviceNoEndpoints } from "./service-no-endpoints.ts";

test("MCP-NET-005 fires on Services with matching pods but no ready endpoint", () => {
  const snap = snapshot({
    pods: [
      pod("shop", "web-1", { labels: { app: "web" } }),
      pod("shop", "cart-1", { labels: { app: "cart" }, ready: false }),
      pod("shop", "pay-1", { labels: { app: "pay" }, ready: false }),
      pod("shop", "legacy-1", { labels: { app: "legacy" } }),
    ],
    services: [
      service("shop", "web", { app: "web" }),
      service("shop", "cart", { app: "cart" }), // every endpoint not ready
      service("shop", "pay", { app: "pay" }), // no slice at all yet
      service("shop", "legacy", { app: "legacy" }), // ready condition absent = ready
      service("shop", "orphan", { app: "nothing" }), // NET-004's finding, not this one
    ],
    endpointslices: [
      endpointSlice("shop", "web", [true, false]),
      endpointSlice("shop", "cart", [false, false]),
      endpointSlice("shop", "legacy", [undefined]),
      endpointSlice("other", "pay", [true]), // same name, other namespace
    ],
  });
  const findings = runCheck(serviceNoEndpoints, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NET-005 Service shop/cart", "MCP-NET-005 Service shop/pay"]);
  assert.match(findings[0].fix, /describe pod cart-1/);
});

test("MCP-NET-005 is silent on a healthy cluster", () => {
  const snap = snapshot({
    pods: [pod("shop", "web-1", { labels: { app: "web" } })],
    services: [service("shop", "web", { app: "web" })],
    endpointslices: [endpointSlice("shop", "web", [true])],
  });
  assert.deepEqual(runCheck(serviceNoEndpoints, context(snap)), []);
});
