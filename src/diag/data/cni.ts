// The Kubernetes versions each Calico and Cilium minor is tested on (data version 2025-06), from
// the vendors' own pages. Both vendors call listed versions tested; Cilium says older Kubernetes
// versions "do not have Cilium support" while newer ones depend on Kubernetes' compatibility,
// so below the range is an error and above it a warning (untested, not known broken).
import { minorDistance, parseMinor, type Version } from "./kube-version.ts";

export interface CniRow {
  cni: "calico" | "cilium";
  /** The CNI minor, e.g. "3.27". */
  version: string;
  /** Oldest and newest tested Kubernetes minors. */
  kubernetes: { min: string; max: string };
  source: string;
}

const calico = (v: string, min: string, max: string): CniRow => ({
  cni: "calico",
  version: v,
  kubernetes: { min, max },
  source: `https://docs.tigera.io/calico/${v}/getting-started/kubernetes/requirements#kubernetes-requirements`,
});
const cilium = (v: string, min: string, max: string): CniRow => ({
  cni: "cilium",
  version: v,
  kubernetes: { min, max },
  source: `https://docs.cilium.io/en/v${v}/network/kubernetes/compatibility/`,
});

export const CNI_KUBERNETES_RANGES: CniRow[] = [
  calico("3.24", "1.22", "1.25"),
  calico("3.25", "1.23", "1.26"),
  calico("3.26", "1.24", "1.28"),
  calico("3.27", "1.27", "1.29"),
  calico("3.28", "1.27", "1.30"),
  calico("3.29", "1.29", "1.32"),
  calico("3.30", "1.30", "1.33"),
  calico("3.31", "1.32", "1.35"),
  cilium("1.14", "1.16", "1.27"),
  cilium("1.15", "1.26", "1.29"),
  cilium("1.16", "1.27", "1.30"),
  cilium("1.17", "1.29", "1.32"),
  cilium("1.18", "1.30", "1.33"),
];

export type CniVerdict =
  | { ok: true }
  | { ok: false; reason: "kubernetes-too-old" | "kubernetes-too-new"; row: CniRow }
  | { ok: false; reason: "cni-predates-data"; oldest: CniRow };

/**
 * Whether a CNI version is tested on a Kubernetes version. A CNI minor newer than the table is
 * not judged (the data is older than the release); one older than the table is reported.
 */
export function judgeCni(cni: string, version: Version, kubernetes: Version): CniVerdict {
  const rows = CNI_KUBERNETES_RANGES.filter((r) => r.cni === cni);
  if (rows.length === 0) return { ok: true };
  const row = rows.find((r) => minorDistance(parseMinor(r.version), version) === 0);
  if (!row) {
    const oldest = rows[0];
    return minorDistance(version, parseMinor(oldest.version)) < 0
      ? { ok: false, reason: "cni-predates-data", oldest }
      : { ok: true };
  }
  if (minorDistance(kubernetes, parseMinor(row.kubernetes.min)) < 0)
    return { ok: false, reason: "kubernetes-too-old", row };
  if (minorDistance(kubernetes, parseMinor(row.kubernetes.max)) > 0)
    return { ok: false, reason: "kubernetes-too-new", row };
  return { ok: true };
}

/** The oldest CNI minor in the table tested on a Kubernetes version, to name in a fix. */
export function cniVersionFor(cni: string, kubernetes: Version): CniRow | undefined {
  return CNI_KUBERNETES_RANGES.find(
    (r) =>
      r.cni === cni &&
      minorDistance(kubernetes, parseMinor(r.kubernetes.min)) >= 0 &&
      minorDistance(kubernetes, parseMinor(r.kubernetes.max)) <= 0,
  );
}
