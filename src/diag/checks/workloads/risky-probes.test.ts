import assert from "node:assert/strict";
import { test } from "node:test";
import { context, deploymentOf, findingKeys, goodContainer, runCheck, snapshot } from "../testing.ts";
import { riskyProbes } from "./risky-probes.ts";

const http = { httpGet: { path: "/healthz", port: 10254 } };
const withLiveness = (probe: Record<string, unknown>) => [
  goodContainer("app", { livenessProbe: { ...http, ...probe } }),
];

test("flags liveness probes without failureThreshold, hair-trigger windows and overlapping timeouts", () => {
  const snap = snapshot({
    deployments: [
      deploymentOf("shop", "healthy"),
      // The seed's example: initialDelaySeconds 30, timeoutSeconds 5, no failureThreshold.
      deploymentOf("shop", "seed", {
        containers: withLiveness({ initialDelaySeconds: 30, timeoutSeconds: 5 }),
      }),
      deploymentOf("shop", "one-strike", { containers: withLiveness({ failureThreshold: 1 }) }),
      deploymentOf("shop", "tight", { containers: withLiveness({ periodSeconds: 2, failureThreshold: 3 }) }),
      deploymentOf("shop", "overlap", {
        containers: [
          goodContainer("app", { readinessProbe: { ...http, periodSeconds: 5, timeoutSeconds: 5 } }),
        ],
      }),
      deploymentOf("shop", "patient", {
        containers: withLiveness({ periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 6 }),
      }),
      deploymentOf("kube-system", "system", { containers: withLiveness({ failureThreshold: 1 }) }),
    ],
  });
  const findings = runCheck(riskyProbes, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-WL-002 Deployment shop/one-strike",
    "MCP-WL-002 Deployment shop/overlap",
    "MCP-WL-002 Deployment shop/seed",
    "MCP-WL-002 Deployment shop/tight",
  ]);
  const msg = (n: string) => findings.find((f) => f.object?.name === n)!.message;
  assert.match(msg("seed"), /app liveness: no failureThreshold/);
  assert.match(msg("tight"), /only 6s of failures/);
  assert.match(msg("overlap"), /readiness: timeoutSeconds 5 >= periodSeconds 5/);
});
