import assert from "node:assert/strict";
import { test } from "node:test";
import { context, findingKeys, obj, runCheck, snapshot, storageClass } from "../testing.ts";
import { multipleDefaults } from "./multiple-defaults.ts";

test("MCP-STO-005 fires on every default class when there is more than one", () => {
  const beta = obj(
    "storage.k8s.io/v1",
    "StorageClass",
    "legacy",
    undefined,
    { provisioner: "kubernetes.io/aws-ebs" },
    { annotations: { "storageclass.beta.kubernetes.io/is-default-class": "true" } },
  );
  const snap = snapshot({
    storageclasses: [
      storageClass("gp3", "ebs.csi.aws.com", true),
      beta,
      storageClass("io2", "ebs.csi.aws.com"),
    ],
  });
  const findings = runCheck(multipleDefaults, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-STO-005 StorageClass gp3",
    "MCP-STO-005 StorageClass legacy",
  ]);
  assert.match(findings[0].fix, /is-default-class":"false"/);
});

test("MCP-STO-005 is silent with one or no default", () => {
  const one = snapshot({
    storageclasses: [storageClass("gp3", "ebs.csi.aws.com", true), storageClass("io2", "ebs.csi.aws.com")],
  });
  assert.deepEqual(runCheck(multipleDefaults, context(one)), []);
  assert.deepEqual(runCheck(multipleDefaults, context(snapshot({ storageclasses: [] }))), []);
});
