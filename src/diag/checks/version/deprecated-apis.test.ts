import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import {
  context,
  deploymentOf,
  findingKeys,
  obj,
  pdbOf,
  runCheck,
  snapshot,
  upgradeContext,
} from "../testing.ts";
import { deprecatedApis } from "./deprecated-apis.ts";

const applied = (o: KubeObject, apiVersion: string): KubeObject => {
  o.metadata.annotations = {
    "kubectl.kubernetes.io/last-applied-configuration": JSON.stringify({ apiVersion, kind: o.kind }),
  };
  return o;
};
const cronJob = (name: string) =>
  obj("batch/v1", "CronJob", name, "shop", { spec: { schedule: "0 * * * *" } });

test("objects last applied or written with removed apiVersions are errors at the running version", () => {
  const helmWritten = deploymentOf("shop", "helm-web");
  helmWritten.metadata.managedFields = [
    {
      manager: "helm",
      operation: "Update",
      apiVersion: "apps/v1beta2",
      fieldsType: "FieldsV1",
      fieldsV1: {},
    },
    {
      manager: "kube-controller-manager",
      operation: "Update",
      apiVersion: "apps/v1",
      fieldsType: "FieldsV1",
      fieldsV1: {},
    },
  ];
  const garbled = deploymentOf("shop", "garbled");
  garbled.metadata.annotations = { "kubectl.kubernetes.io/last-applied-configuration": "{not json" };
  const snap = snapshot({
    deployments: [
      applied(deploymentOf("shop", "old-web"), "extensions/v1beta1"),
      applied(deploymentOf("shop", "web"), "apps/v1"),
      helmWritten,
      garbled,
    ],
    cronjobs: [applied(cronJob("old-report"), "batch/v1beta1"), applied(cronJob("report"), "batch/v1")],
    poddisruptionbudgets: [applied(pdbOf("shop", "web", { maxUnavailable: 1 }), "policy/v1")],
  });
  const findings = runCheck(deprecatedApis, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-VER-004 CronJob shop/old-report",
    "MCP-VER-004 Deployment shop/helm-web",
    "MCP-VER-004 Deployment shop/old-web",
  ]);
  assert.ok(findings.every((f) => f.severity === "error"));
  const helm = findings.find((f) => f.object?.name === "helm-web")!;
  assert.match(helm.message, /apps\/v1beta2 by field manager "helm"/);
  assert.match(helm.fix, /--output-version apps\/v1/);
});

test("pre-upgrade 1.24 → 1.25: deprecated becomes removed, and PodSecurityPolicy blocks the apiserver", () => {
  const apiserver = obj("v1", "Pod", "kube-apiserver-cp-1", "kube-system", {
    spec: {
      containers: [
        {
          name: "kube-apiserver",
          image: "registry.k8s.io/kube-apiserver:v1.24.9",
          command: ["kube-apiserver", "--enable-admission-plugins=NodeRestriction,PodSecurityPolicy"],
        },
      ],
    },
  });
  apiserver.metadata.labels = { component: "kube-apiserver" };
  const base = snapshot({
    cronjobs: [applied(cronJob("old-report"), "batch/v1beta1")],
    poddisruptionbudgets: [
      applied(pdbOf("shop", "old-pdb", { maxUnavailable: 1 }), "policy/v1beta1"),
      applied(pdbOf("shop", "pdb", { maxUnavailable: 1 }), "policy/v1"),
    ],
    pods: [apiserver],
  });
  const snap = {
    ...base,
    kubernetesVersion: "v1.24.9",
    servedResources: ["policy/v1beta1/podsecuritypolicies"],
  };

  const now = runCheck(deprecatedApis, context(snap));
  assert.deepEqual(findingKeys(now), [
    "MCP-VER-004 CronJob shop/old-report",
    "MCP-VER-004 PodDisruptionBudget shop/old-pdb",
  ]);
  assert.ok(now.every((f) => f.severity === "warning"));

  const upgrade = runCheck(deprecatedApis, upgradeContext(snap, "1.25"));
  assert.deepEqual(findingKeys(upgrade), [
    "MCP-VER-004 CronJob shop/old-report",
    "MCP-VER-004 Pod kube-system/kube-apiserver-cp-1",
    "MCP-VER-004 PodDisruptionBudget shop/old-pdb",
  ]);
  assert.ok(upgrade.every((f) => f.severity === "error"));

  // Served but not enabled as an admission plugin: a cluster-wide warning to migrate the policies.
  const served = { ...snap, objects: {} };
  assert.deepEqual(findingKeys(runCheck(deprecatedApis, upgradeContext(served, "1.25"))), [
    "MCP-VER-004 cluster",
  ]);
});
