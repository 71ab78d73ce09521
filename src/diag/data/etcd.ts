// Which etcd each Kubernetes minor runs on (data version 2025-06). `recommended` is the etcd
// kubeadm deploys for that minor (SupportedEtcdVersion in kubeadm's constants.go at the minor's
// latest patch); `series` are the etcd minors the apiserver is built and tested against;
// `minimumPatch` per series is the oldest patch the Kubernetes docs recommend for production
// (etcd 3.5.0-3.5.2 can corrupt data under load; 3.4.22 / 3.5.6 carry the fixes). From 1.34 kubeadm
// moves etcd to 3.6, and etcd upgrades one minor at a time, so a 3.4 member must reach 3.5 first.
import { compareVersions, minorDistance, parseMinor, parseVersion, type Version } from "./kube-version.ts";

export interface EtcdRow {
  kubernetes: string;
  recommended: string;
  series: string[];
  source: string;
}

const KUBEADM =
  "https://github.com/kubernetes/kubernetes/blob/release-1.MINOR/cmd/kubeadm/app/constants/constants.go";
const kubeadm = (minor: number) => `kubeadm SupportedEtcdVersion, ${KUBEADM.replace("MINOR", String(minor))}`;

export const ETCD_MINIMUM_PATCH: Record<string, { patch: string; source: string }> = {
  "3.4": {
    patch: "3.4.22",
    source: "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#prerequisites",
  },
  "3.5": {
    patch: "3.5.6",
    source: "https://kubernetes.io/docs/tasks/administer-cluster/configure-upgrade-etcd/#prerequisites",
  },
};

export const ETCD_BY_KUBERNETES: EtcdRow[] = [
  { kubernetes: "1.21", recommended: "3.4.13", series: ["3.4"], source: kubeadm(21) },
  { kubernetes: "1.22", recommended: "3.5.6", series: ["3.4", "3.5"], source: kubeadm(22) },
  { kubernetes: "1.23", recommended: "3.5.6", series: ["3.4", "3.5"], source: kubeadm(23) },
  { kubernetes: "1.24", recommended: "3.5.6", series: ["3.4", "3.5"], source: kubeadm(24) },
  { kubernetes: "1.25", recommended: "3.5.6", series: ["3.4", "3.5"], source: kubeadm(25) },
  { kubernetes: "1.26", recommended: "3.5.10", series: ["3.4", "3.5"], source: kubeadm(26) },
  { kubernetes: "1.27", recommended: "3.5.12", series: ["3.4", "3.5"], source: kubeadm(27) },
  { kubernetes: "1.28", recommended: "3.5.15", series: ["3.4", "3.5"], source: kubeadm(28) },
  { kubernetes: "1.29", recommended: "3.5.16", series: ["3.4", "3.5"], source: kubeadm(29) },
  { kubernetes: "1.30", recommended: "3.5.16", series: ["3.4", "3.5"], source: kubeadm(30) },
  { kubernetes: "1.31", recommended: "3.5.16", series: ["3.4", "3.5"], source: kubeadm(31) },
  { kubernetes: "1.32", recommended: "3.5.16", series: ["3.4", "3.5"], source: kubeadm(32) },
  { kubernetes: "1.33", recommended: "3.5.21", series: ["3.4", "3.5"], source: kubeadm(33) },
  { kubernetes: "1.34", recommended: "3.6.4", series: ["3.5", "3.6"], source: kubeadm(34) },
];

/** The row for a Kubernetes version; versions past the table use its newest row (rules rarely loosen). */
export function etcdRowFor(kubernetes: Version): EtcdRow | undefined {
  const exact = ETCD_BY_KUBERNETES.find((r) => minorDistance(parseMinor(r.kubernetes), kubernetes) === 0);
  if (exact) return exact;
  const newest = ETCD_BY_KUBERNETES.at(-1)!;
  return minorDistance(kubernetes, parseMinor(newest.kubernetes)) > 0 ? newest : undefined;
}

export type EtcdVerdict =
  | { ok: true }
  | { ok: false; reason: "unsupported-series" | "below-minimum-patch"; row: EtcdRow; minimum?: string };

/** Whether an etcd version suits a Kubernetes version; unknown Kubernetes minors are not judged. */
export function judgeEtcd(etcd: Version, kubernetes: Version): EtcdVerdict {
  const row = etcdRowFor(kubernetes);
  if (!row) return { ok: true };
  const series = `${etcd.major}.${etcd.minor}`;
  if (!row.series.includes(series)) return { ok: false, reason: "unsupported-series", row };
  const minimum = ETCD_MINIMUM_PATCH[series];
  if (minimum && compareVersions(etcd, parseVersion(minimum.patch)!) < 0)
    return { ok: false, reason: "below-minimum-patch", row, minimum: minimum.patch };
  return { ok: true };
}
