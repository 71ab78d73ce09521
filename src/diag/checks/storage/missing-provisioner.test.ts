import assert from "node:assert/strict";
import { test } from "node:test";
import { context, csiDriver, findingKeys, pvc, runCheck, snapshot, storageClass } from "../testing.ts";
import { missingProvisioner } from "./missing-provisioner.ts";

test("MCP-STO-004 fires on classes without a provisioner and claims without a class", () => {
  const snap = snapshot({
    storageclasses: [
      storageClass("ceph", "rbd.csi.ceph.com"), // driver uninstalled
      storageClass("gp3", "ebs.csi.aws.com"),
      storageClass("local", "kubernetes.io/no-provisioner"),
      storageClass("path", "rancher.io/local-path"),
      storageClass("old-gce", "kubernetes.io/gce-pd"), // in-tree code gone since 1.28, no PD CSI driver
      storageClass("old-ebs", "kubernetes.io/aws-ebs"), // migrated to the installed ebs.csi.aws.com
      storageClass("old-gluster", "kubernetes.io/glusterfs"), // removed in 1.26, no migration
      storageClass("old-rbd", "kubernetes.io/rbd"), // still in-tree on 1.30
    ],
    csidrivers: [csiDriver("ebs.csi.aws.com")],
    persistentvolumeclaims: [
      pvc("a", "typo", { phase: "Pending", storageClassName: "gp2" }),
      pvc("a", "classless", { phase: "Pending" }), // no default class in this cluster
      pvc("a", "static", { phase: "Pending", storageClassName: "" }),
      pvc("a", "fine", { phase: "Pending", storageClassName: "gp3" }),
      pvc("a", "bound-manual", { storageClassName: "manual", volumeName: "pv-1" }),
    ],
  });
  const findings = runCheck(missingProvisioner, context(snap));
  assert.deepEqual(findingKeys(findings), [
    "MCP-STO-004 PersistentVolumeClaim a/classless",
    "MCP-STO-004 PersistentVolumeClaim a/typo",
    "MCP-STO-004 StorageClass ceph",
    "MCP-STO-004 StorageClass old-gce",
    "MCP-STO-004 StorageClass old-gluster",
  ]);
  assert.match(
    findings.find((f) => f.object?.name === "old-gce")?.message ?? "",
    /removed in Kubernetes 1\.28/,
  );
  const typo = findings.find((f) => f.object?.name === "typo");
  assert.equal(typo?.severity, "error");
  assert.match(typo?.message ?? "", /"gp2", which does not exist/);
});

test("MCP-STO-004 is silent on a healthy cluster with a default class", () => {
  const snap = snapshot({
    // the in-tree name keeps working through CSI migration once the CSI driver is installed
    storageclasses: [
      storageClass("gp3", "ebs.csi.aws.com", true),
      storageClass("gp2", "kubernetes.io/aws-ebs"),
    ],
    csidrivers: [csiDriver("ebs.csi.aws.com")],
    persistentvolumeclaims: [
      pvc("a", "classless", { phase: "Pending" }),
      pvc("a", "data", { volumeName: "pv" }),
    ],
  });
  assert.deepEqual(runCheck(missingProvisioner, context(snap)), []);
});
