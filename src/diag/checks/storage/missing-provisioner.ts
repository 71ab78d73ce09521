// MCP-STO-004 — nothing will provision the volume.
// Two ways a claim waits forever for a disk: its StorageClass names a provisioner that is neither
// a registered CSI driver nor an in-tree plugin (driver uninstalled, typo, or a cloud driver
// never deployed after migration), or the claim names a class that does not exist / names no
// class while the cluster has no default. Bound claims are skipped: a static PV can satisfy a
// class name without the class existing, and once bound there is nothing left to provision.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, rec, ref, str } from "../objects.ts";
import { isDefaultClass } from "./default-class.ts";

/** Provisioners that run without a CSIDriver object: in-tree plugins and common external ones. */
export const KNOWN_PROVISIONERS = new Set([
  "kubernetes.io/no-provisioner",
  "kubernetes.io/aws-ebs",
  "kubernetes.io/gce-pd",
  "kubernetes.io/azure-disk",
  "kubernetes.io/azure-file",
  "kubernetes.io/cinder",
  "kubernetes.io/vsphere-volume",
  "kubernetes.io/portworx-volume",
  "kubernetes.io/rbd",
  "kubernetes.io/glusterfs",
  "kubernetes.io/host-path",
  // External (non-CSI) provisioners shipped by kind, k3s, Docker Desktop, MicroK8s and NFS setups.
  "rancher.io/local-path",
  "docker.io/hostpath",
  "microk8s.io/hostpath",
  "k8s-sigs.io/nfs-subdir-external-provisioner",
  "openebs.io/local",
]);

/**
 * In-tree plugins whose code was removed, with the minor that removed it and the CSI driver that
 * now serves the old provisioner name through CSI migration (none for glusterfs: it is just gone).
 * Source: Kubernetes release notes 1.26 (cinder, glusterfs), 1.27 (aws-ebs, azure-disk),
 * 1.28 (gce-pd), 1.31 (rbd).
 */
export const REMOVED_IN_TREE: Record<string, { removedIn: number; csiDriver?: string }> = {
  "kubernetes.io/cinder": { removedIn: 26, csiDriver: "cinder.csi.openstack.org" },
  "kubernetes.io/glusterfs": { removedIn: 26 },
  "kubernetes.io/aws-ebs": { removedIn: 27, csiDriver: "ebs.csi.aws.com" },
  "kubernetes.io/azure-disk": { removedIn: 27, csiDriver: "disk.csi.azure.com" },
  "kubernetes.io/gce-pd": { removedIn: 28, csiDriver: "pd.csi.storage.gke.io" },
  "kubernetes.io/rbd": { removedIn: 31, csiDriver: "rbd.csi.ceph.com" },
};

/** Whether something will provision volumes for this provisioner name on this Kubernetes minor. */
function served(provisioner: string, drivers: Set<string>, minor: number): boolean {
  if (drivers.has(provisioner)) return true;
  const removed = REMOVED_IN_TREE[provisioner];
  if (removed && minor >= removed.removedIn)
    return removed.csiDriver !== undefined && drivers.has(removed.csiDriver);
  return KNOWN_PROVISIONERS.has(provisioner);
}

function classFindings(classes: KubeObject[], drivers: Set<string>, minor: number): Finding[] {
  const out: Finding[] = [];
  for (const sc of classes) {
    const provisioner = str(sc.provisioner) ?? "";
    if (served(provisioner, drivers, minor)) continue;
    const removed = REMOVED_IN_TREE[provisioner];
    const needs = removed?.csiDriver ?? provisioner;
    out.push({
      code: missingProvisioner.code,
      severity: "warning",
      object: ref(sc),
      message: removed
        ? `StorageClass ${sc.metadata.name} uses in-tree provisioner "${provisioner}", removed in Kubernetes ` +
          `1.${removed.removedIn}, ${removed.csiDriver ? `and its CSI driver ${removed.csiDriver} is not installed` : "with no CSI migration"}, so its claims will stay Pending.`
        : `StorageClass ${sc.metadata.name} uses provisioner "${provisioner}", which is neither a registered ` +
          "CSIDriver nor a known in-tree provisioner, so its claims will stay Pending.",
      fix:
        `Install the CSI driver "${needs}" (check: kubectl get csidrivers), or recreate the ` +
        `class with an installed provisioner: kubectl get storageclass ${sc.metadata.name} -o yaml > sc.yaml; edit ` +
        `provisioner; kubectl replace --force -f sc.yaml`,
    });
  }
  return out;
}

function claimFindings(claims: KubeObject[], classes: KubeObject[]): Finding[] {
  const names = new Set(classes.map((c) => c.metadata.name));
  const defaults = classes.filter(isDefaultClass);
  const out: Finding[] = [];
  for (const claim of claims) {
    if (str(rec(claim.status).phase) === "Bound") continue;
    const spec = rec(claim.spec);
    const cls = str(spec.storageClassName);
    // "" explicitly asks for a static PV without a class; that is a choice, not a missing class.
    if (cls === "" || (cls !== undefined && names.has(cls))) continue;
    if (cls === undefined && defaults.length > 0) continue;
    const ns = claim.metadata.namespace ?? "default";
    const why =
      cls === undefined
        ? "names no StorageClass and the cluster has no default class"
        : `names StorageClass "${cls}", which does not exist`;
    out.push({
      code: missingProvisioner.code,
      severity: "error",
      object: ref(claim),
      message: `PersistentVolumeClaim ${nameOf(claim)} ${why}, so no volume will be provisioned for it.`,
      fix:
        cls === undefined
          ? "Mark a class default: kubectl patch storageclass <name> -p " +
            `'{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"true"}}}'` +
            ` (Kubernetes 1.28+ then assigns it to ${nameOf(claim)})`
          : `Recreate the claim with an existing class (kubectl get storageclass): kubectl -n ${ns} get pvc ` +
            `${claim.metadata.name} -o yaml > pvc.yaml; set spec.storageClassName; kubectl replace --force -f pvc.yaml`,
    });
  }
  return out;
}

export const missingProvisioner: Check = {
  code: "MCP-STO-004",
  area: "storage",
  title: "Missing provisioner or StorageClass",
  severity: "warning",
  reads: ["storageclasses", "csidrivers", "persistentvolumeclaims"],
  description:
    "A StorageClass whose provisioner has no CSIDriver and is not a known in-tree provisioner, or is an in-tree " +
    "plugin removed in this Kubernetes version whose CSI migration driver is missing (warning), or an " +
    "unbound PersistentVolumeClaim that names a StorageClass that does not exist, or names none while no " +
    "default class exists (error). Either way nothing will create its volume.",
  run(ctx) {
    const classes = list(ctx, "storageclasses");
    const drivers = new Set(list(ctx, "csidrivers").map((d) => d.metadata.name ?? ""));
    const minor = Number(/^v?1\.(\d+)/.exec(ctx.snapshot.kubernetesVersion)?.[1] ?? 0);
    return [
      ...classFindings(classes, drivers, minor),
      ...claimFindings(list(ctx, "persistentvolumeclaims"), classes),
    ];
  },
};
