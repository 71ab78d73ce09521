import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, pod, runCheck, snapshot } from "../testing.ts";
import { hostNetwork } from "./host-network.ts";

const hostSpec = { hostNetwork: true, containers: [{ name: "c" }] };

test("MCP-SEC-003 fires on hostNetwork pods outside kube-system, per workload", () => {
  const ds = [{ apiVersion: "apps/v1", kind: "DaemonSet", name: "exporter", uid: "u", controller: true }];
  const snap = snapshot({
    pods: [
      pod("monitoring", "exporter-a", { spec: hostSpec, ownerReferences: ds }),
      pod("monitoring", "exporter-b", { spec: hostSpec, ownerReferences: ds }),
      pod("app", "shortcut", { spec: hostSpec }),
      pod("kube-system", "kube-proxy-a", { spec: hostSpec }),
      pod("app", "web", { spec: { hostNetwork: false, containers: [{ name: "c" }] } }),
    ],
  });
  const findings = runCheck(hostNetwork, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-SEC-003 DaemonSet monitoring/exporter",
    "MCP-SEC-003 Pod app/shortcut",
  ]);
});

test("MCP-SEC-003 is silent on a healthy cluster", () => {
  const snap = snapshot({ pods: [pod("app", "web"), pod("kube-system", "etcd-cp", { spec: hostSpec })] });
  assert.deepEqual(runCheck(hostNetwork, context(snap)), []);
});
