// MCP-OPS-002 — Velero missing, or no successful backup in the last 24 hours.
// Upgrades are only safe to attempt with a restorable backup; a Velero install whose schedule
// silently fails (expired cloud credentials, full bucket) is worse than none because everyone
// believes there are backups. Velero counts as installed when its namespace, its Deployment or
// its API (velero.io backups) is present.
import type { KubeObject } from "../../../apis/meta/types.ts";
import type { Check, CheckContext } from "../../types.ts";
import { list, nameOf, rec, ref, str } from "../objects.ts";

export const BACKUP_MAX_AGE_MS = 24 * 3_600_000;

/** The object that shows Velero is there: its Deployment, else its namespace; undefined when absent. */
function veleroObject(ctx: CheckContext): KubeObject | undefined {
  const deployment = list(ctx, "deployments").find((d) => d.metadata.name === "velero");
  if (deployment) return deployment;
  return list(ctx, "namespaces").find((n) => n.metadata.name === "velero");
}

function lastSuccess(backups: KubeObject[]): Date | undefined {
  let last: Date | undefined;
  for (const b of backups) {
    const status = rec(b.status);
    if (str(status.phase) !== "Completed") continue;
    const at = new Date(str(status.completionTimestamp) ?? "");
    if (!Number.isNaN(at.getTime()) && (!last || at > last)) last = at;
  }
  return last;
}

export const veleroBackup: Check = {
  code: "MCP-OPS-002",
  area: "operations",
  title: "No recent successful Velero backup",
  severity: "warning",
  reads: ["namespaces", "deployments", "velerobackups"],
  description:
    "Velero is not installed (info), or it is installed but no Backup completed successfully in the last 24 hours " +
    "(warning): there is nothing recent to restore if an upgrade or an outage goes wrong.",
  run(ctx) {
    const velero = veleroObject(ctx);
    const served = ctx.snapshot.servedResources.some((r) => r.startsWith("velero.io/"));
    if (!velero && !served) {
      return [
        {
          code: veleroBackup.code,
          severity: "info",
          message:
            "Velero is not installed (no velero namespace, Deployment or velero.io API): the cluster has no backups.",
          fix:
            "Install Velero with an object-store plugin (velero install --provider <aws|gcp|azure> --bucket <b> " +
            "--secret-file <creds>), then velero schedule create daily --schedule='0 2 * * *'",
        },
      ];
    }
    const last = lastSuccess(list(ctx, "velerobackups"));
    if (last && ctx.now.getTime() - last.getTime() <= BACKUP_MAX_AGE_MS) return [];
    const ns = velero?.metadata.namespace ?? velero?.metadata.name ?? "velero";
    const where = velero ? `${velero.kind} ${nameOf(velero)}` : "Velero";
    return [
      {
        code: veleroBackup.code,
        severity: "warning",
        ...(velero ? { object: ref(velero) } : {}),
        message: last
          ? `${where}: the last successful backup completed at ${last.toISOString()}, more than 24 hours ago.`
          : `${where}: no backup has ever completed successfully.`,
        fix:
          `velero backup get (look for Failed/PartiallyFailed and read velero backup logs <name>); ` +
          `velero backup-location get (must be Available); kubectl -n ${ns} logs deploy/velero; ` +
          "then velero schedule create daily --schedule='0 2 * * *' if no schedule exists",
      },
    ];
  },
};
