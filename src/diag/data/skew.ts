// The Kubernetes component version-skew policy (data version 2025-06), from
// https://kubernetes.io/releases/version-skew-policy/ : how many minors each component may lag
// kube-apiserver, and that none may be newer. The kubelet allowance grew from 2 to 3 minors in
// 1.28 (KEP-3935); kube-proxy follows the kubelet.
import { minorDistance, parseMinor, type Version } from "./kube-version.ts";

export type Component = "kubelet" | "kube-proxy" | "kube-controller-manager" | "kube-scheduler";

export interface SkewRule {
  component: Component;
  /** Minors the component may be older than kube-apiserver, from this apiserver minor on. */
  maxOlder: { since: string; minors: number }[];
  source: string;
}

const POLICY = "https://kubernetes.io/releases/version-skew-policy/#supported-version-skew";

export const SKEW_POLICY: SkewRule[] = [
  {
    component: "kubelet",
    maxOlder: [
      { since: "1.0", minors: 2 },
      { since: "1.28", minors: 3 },
    ],
    source: `${POLICY} (kubelet; 3 minors since 1.28, KEP-3935)`,
  },
  {
    component: "kube-proxy",
    maxOlder: [
      { since: "1.0", minors: 2 },
      { since: "1.28", minors: 3 },
    ],
    source: `${POLICY} (kube-proxy: the same as kubelet)`,
  },
  {
    component: "kube-controller-manager",
    maxOlder: [{ since: "1.0", minors: 1 }],
    source: `${POLICY} (kube-controller-manager, kube-scheduler, and cloud-controller-manager)`,
  },
  {
    component: "kube-scheduler",
    maxOlder: [{ since: "1.0", minors: 1 }],
    source: `${POLICY} (kube-controller-manager, kube-scheduler, and cloud-controller-manager)`,
  },
];

/** kube-apiserver upgrades one minor at a time: skipping a minor is unsupported. */
export const APISERVER_MAX_MINOR_STEP = {
  minors: 1,
  source: "https://kubernetes.io/releases/version-skew-policy/#kube-apiserver",
};

export function maxOlderMinors(component: Component, apiserver: Version): number {
  const rule = SKEW_POLICY.find((r) => r.component === component)!;
  const applicable = rule.maxOlder.filter((m) => minorDistance(apiserver, parseMinor(m.since)) >= 0);
  return (applicable.at(-1) ?? rule.maxOlder[0]).minors;
}

export type SkewVerdict =
  | { ok: true }
  | { ok: false; reason: "newer-than-apiserver"; by: number }
  | { ok: false; reason: "too-old"; by: number; max: number };

export function judgeSkew(component: Component, version: Version, apiserver: Version): SkewVerdict {
  const by = minorDistance(apiserver, version);
  if (by < 0) return { ok: false, reason: "newer-than-apiserver", by: -by };
  const max = maxOlderMinors(component, apiserver);
  return by > max ? { ok: false, reason: "too-old", by, max } : { ok: true };
}

export function skewSource(component: Component): string {
  return SKEW_POLICY.find((r) => r.component === component)!.source;
}
