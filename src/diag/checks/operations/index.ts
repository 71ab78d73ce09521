// Operations checks: certificate expiry, backups (Velero) and etcd snapshot schedules.
import type { Check } from "../../types.ts";
import { certExpiry } from "./cert-expiry.ts";
import { etcdSnapshot } from "./etcd-snapshot.ts";
import { veleroBackup } from "./velero-backup.ts";

export const checks: Check[] = [certExpiry, veleroBackup, etcdSnapshot];
