// Small builders for the kube-system manifests the simulator seeds (add-ons and CNI): object
// metadata in kube-system, and the DaemonSet/Deployment shapes their upstream manifests share.
import type { KubeObject } from "../apis/meta/types.ts";

export const NS = "kube-system";
export const LINUX = { "kubernetes.io/os": "linux" };
export const CONTROL_PLANE_TOLERATION = {
  key: "node-role.kubernetes.io/control-plane",
  effect: "NoSchedule",
};

export const meta = (name: string, labels: Record<string, string>, extra: object = {}) => ({
  name,
  namespace: NS,
  labels,
  ...extra,
});

export function daemonSet(name: string, labels: Record<string, string>, podSpec: object): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    metadata: meta(name, labels),
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: podSpec } },
  };
}

export function deployment(
  name: string,
  labels: Record<string, string>,
  sa: string,
  image: string,
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(name, labels),
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          priorityClassName: "system-cluster-critical",
          serviceAccountName: sa,
          nodeSelector: LINUX,
          tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, CONTROL_PLANE_TOLERATION],
          containers: [{ name, image }],
        },
      },
    },
  };
}
