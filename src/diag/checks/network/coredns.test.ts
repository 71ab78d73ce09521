import assert from "node:assert/strict";
import { test } from "node:test";
import { context, deployment, findingKeys, runCheck, snapshot } from "../testing.ts";
import { coreDns } from "./coredns.ts";

test("MCP-NET-003 fires on a single-replica CoreDNS", () => {
  const snap = snapshot({
    deployments: [deployment("kube-system", "coredns", { replicas: 1 }, { readyReplicas: 1 })],
  });
  const findings = runCheck(coreDns, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NET-003 Deployment kube-system/coredns"]);
  assert.equal(findings[0].severity, "warning");
  assert.match(findings[0].fix, /--replicas=2/);
});

test("MCP-NET-003 fires with error on unready CoreDNS found by its kube-dns label", () => {
  const snap = snapshot({
    deployments: [
      deployment(
        "kube-system",
        "rke2-coredns",
        { replicas: 2 },
        { readyReplicas: 1 },
        { "k8s-app": "kube-dns" },
      ),
      // an app's own Deployment with the label outside kube-system is not cluster DNS
      deployment("shop", "dns-cache", { replicas: 1 }, {}, { "k8s-app": "kube-dns" }),
    ],
  });
  const findings = runCheck(coreDns, context(snap));
  assert.deepEqual(findingKeys(findings), ["MCP-NET-003 Deployment kube-system/rke2-coredns"]);
  assert.equal(findings[0].severity, "error");
  assert.match(findings[0].message, /1 of 2 replicas ready/);
});

test("MCP-NET-003 is silent on a healthy cluster", () => {
  const snap = snapshot({
    deployments: [deployment("kube-system", "coredns", { replicas: 2 }, { readyReplicas: 2 })],
  });
  assert.deepEqual(runCheck(coreDns, context(snap)), []);
});
