// MCP-VER-001 — etcd version incompatible with kube-apiserver.
// Each Kubernetes minor is built and tested against particular etcd series (../../data/etcd.ts):
// running an etcd series the apiserver was not tested with (3.6 under 1.25, 3.3 under 1.22) risks
// storage-format and client incompatibilities, and etcd 3.5.0-3.5.5 / 3.4 < 3.4.22 carry known
// data-inconsistency bugs. In pre-upgrade mode the etcd members are judged against the target.
import { judgeEtcd } from "../../data/etcd.ts";
import { versionString } from "../../data/kube-version.ts";
import type { Check, Finding } from "../../types.ts";
import { nameOf, ref } from "../objects.ts";
import { componentPods, judgedLabel, judgedVersion, podImageVersion } from "./control-plane.ts";

export const etcdVersion: Check = {
  code: "MCP-VER-001",
  area: "version",
  title: "etcd version incompatible with Kubernetes",
  severity: "error",
  reads: ["pods"],
  description:
    "Compares each etcd member's version (the image tag of kube-system pods labelled component=etcd) with " +
    "the etcd series the Kubernetes minor (or the --target-version) is tested on, per kubeadm's table, and " +
    "with the minimum patch the Kubernetes docs recommend for production. Clusters whose etcd is not " +
    "visible as pods (managed control planes, external etcd) are not judged.",
  run(ctx) {
    const kube = judgedVersion(ctx);
    if (!kube) return [];
    const out: Finding[] = [];
    for (const pod of componentPods(ctx, "etcd")) {
      const etcd = podImageVersion(pod, "etcd");
      if (!etcd) continue;
      const verdict = judgeEtcd(etcd, kube);
      if (verdict.ok) continue;
      const label = judgedLabel(ctx, kube);
      const fix =
        `Upgrade etcd to ${verdict.row.recommended}: on the control-plane node set image ` +
        `registry.k8s.io/etcd:${verdict.row.recommended}-0 in /etc/kubernetes/manifests/etcd.yaml one member at ` +
        `a time (or let \`kubeadm upgrade apply\` do it), after \`etcdctl snapshot save\`. Source: ${verdict.row.source}`;
      const running = versionString(etcd);
      out.push(
        verdict.reason === "unsupported-series"
          ? {
              code: etcdVersion.code,
              severity: "error",
              object: ref(pod),
              message: `etcd pod ${nameOf(pod)} runs etcd ${running}, a series ${label} is not tested with (supported: ${verdict.row.series.join(", ")}; kubeadm deploys ${verdict.row.recommended}).`,
              fix,
            }
          : {
              code: etcdVersion.code,
              severity: "warning",
              object: ref(pod),
              message: `etcd pod ${nameOf(pod)} runs etcd ${running}, older than ${verdict.minimum}, the minimum patch recommended for production with ${label}.`,
              fix,
            },
      );
    }
    return out;
  },
};
