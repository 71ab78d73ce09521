// MCP-OPS-003 — nothing schedules etcd snapshots.
// etcd holds the whole cluster state; the seeds' upgrade runbooks start with "take an etcd
// snapshot", and a failed control-plane upgrade without one means rebuilding the cluster by
// hand. Accepted evidence: an active Velero Schedule, or an unsuspended CronJob whose name,
// image, command or args mention etcd together with snapshot or backup. When no etcd pod is
// visible (managed or external control plane) the finding drops to info: someone else may own it.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, Finding } from "../../types.ts";
import { arr, list, rec, str } from "../objects.ts";

/** Everything in a CronJob that could say what it does. */
function cronJobText(cj: KubeObject): string {
  const podSpec = rec(rec(rec(rec(rec(cj.spec).jobTemplate).spec).template).spec);
  const parts = [cj.metadata.name ?? ""];
  for (const c of [...arr(podSpec.initContainers), ...arr(podSpec.containers)]) {
    const r = rec(c);
    parts.push(str(r.image) ?? "", ...arr(r.command).map(String), ...arr(r.args).map(String));
  }
  return parts.join(" ");
}

export function isEtcdBackupCronJob(cj: KubeObject): boolean {
  if (rec(cj.spec).suspend === true) return false;
  const text = cronJobText(cj);
  return /etcd/i.test(text) && /snapshot|backup/i.test(text);
}

function etcdVisible(pods: KubeObject[]): boolean {
  return pods.some(
    (p) =>
      p.metadata.namespace === "kube-system" &&
      (p.metadata.labels?.component === "etcd" || (p.metadata.name ?? "").startsWith("etcd-")),
  );
}

const SAMPLE_CRONJOB =
  "kubectl -n kube-system create cronjob etcd-snapshot --schedule='0 */6 * * *' --image=registry.k8s.io/etcd:3.5.15-0 " +
  "-- etcdctl --endpoints=https://127.0.0.1:2379 --cacert=/etc/kubernetes/pki/etcd/ca.crt " +
  "--cert=/etc/kubernetes/pki/etcd/server.crt --key=/etc/kubernetes/pki/etcd/server.key snapshot save /backup/etcd.db " +
  "(then add hostNetwork, a control-plane nodeSelector/toleration and hostPath mounts for the pki and /backup)";

export const etcdSnapshot: Check = {
  code: "MCP-OPS-003",
  area: "operations",
  title: "No etcd snapshot schedule",
  severity: "warning",
  reads: ["pods", "cronjobs", "veleroschedules"],
  description:
    "Neither an active Velero Schedule nor a CronJob that takes etcd snapshots/backups exists (warning; info when " +
    "etcd does not run in the cluster). Without one a failed control-plane upgrade cannot be rolled back.",
  run(ctx) {
    const veleroScheduled = list(ctx, "veleroschedules").some((s) => rec(s.spec).paused !== true);
    if (veleroScheduled || list(ctx, "cronjobs").some(isEtcdBackupCronJob)) return [];
    const visible = etcdVisible(list(ctx, "pods"));
    const finding: Finding = {
      code: etcdSnapshot.code,
      severity: visible ? "warning" : "info",
      message: visible
        ? "etcd runs in kube-system but no CronJob takes etcd snapshots and no Velero Schedule is active."
        : "No etcd snapshot CronJob or Velero Schedule found; etcd is not visible here, so make sure whoever runs the control plane snapshots it.",
      fix: `${SAMPLE_CRONJOB}; or with Velero: velero schedule create daily --schedule='0 2 * * *'`,
    };
    return [finding];
  },
};
