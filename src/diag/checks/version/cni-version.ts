// MCP-VER-002 — CNI version not tested with the Kubernetes version.
// A CNI older than its tested range is a classic upgrade breaker (the seed's 1.27 + Calico 3.25
// start-up race): its agent uses APIs or behaviours the new apiserver dropped, and pods stop
// getting networks on every node at once. In pre-upgrade mode the CNI is judged against the target,
// so the CNI is upgraded first.

import { detectCni, type WorkloadLike } from "../../../agent/status/components.ts";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { cniVersionFor, judgeCni } from "../../data/cni.ts";
import { parseVersion, type Version } from "../../data/kube-version.ts";
import type { Check, Finding } from "../../types.ts";
import { list, nameOf, ref } from "../objects.ts";
import { judgedLabel, judgedVersion } from "./control-plane.ts";

export const cniVersion: Check = {
  code: "MCP-VER-002",
  area: "version",
  title: "CNI version not tested with Kubernetes",
  severity: "warning",
  reads: ["daemonsets"],
  description:
    "Finds Calico (calico-node, canal) or Cilium (cilium) by its DaemonSet and compares the agent image's version " +
    "with the Kubernetes versions the vendor tests that release on. Kubernetes older than the range is an " +
    "error (unsupported), newer a warning (untested). With --target-version the target is judged.",
  run(ctx) {
    const kube = judgedVersion(ctx);
    if (!kube) return [];
    const out: Finding[] = [];
    for (const ds of list(ctx, "daemonsets")) {
      const found = detectCni([ds as WorkloadLike]);
      // Canal is Calico's policy engine over flannel: its calico-node carries Calico's version.
      const cni = found?.name === "canal" ? "calico" : found?.name;
      if (cni !== "calico" && cni !== "cilium") continue;
      const version = parseVersion(found?.version);
      if (!version) continue;
      const finding = judge(ctx.targetVersion !== undefined, ds, cni, version, kube);
      if (finding) out.push({ ...finding, message: finding.message.replace("%K", judgedLabel(ctx, kube)) });
    }
    return out;
  },
};

function judge(upgrade: boolean, ds: KubeObject, cni: string, version: Version, kube: Version) {
  const verdict = judgeCni(cni, version, kube);
  if (verdict.ok) return undefined;
  const running = `${cni} ${version.major}.${version.minor}.${version.patch}`;
  const wanted = cniVersionFor(cni, kube);
  const target = wanted
    ? `${cni} ${wanted.version}`
    : `a ${cni} release tested on v${kube.major}.${kube.minor}`;
  const how =
    cni === "calico"
      ? "following https://docs.tigera.io/calico/latest/operations/upgrading/kubernetes-upgrade"
      : "with `cilium upgrade --version <1.x.y>` or `helm upgrade cilium cilium/cilium --version <1.x.y> --reuse-values`";
  const when = upgrade ? "before upgrading Kubernetes" : "now";
  const base = { code: cniVersion.code, object: ref(ds) } as const;
  if (verdict.reason === "cni-predates-data")
    return {
      ...base,
      severity: "warning" as const,
      message: `DaemonSet ${nameOf(ds)} runs ${running}, older than any release tested on %K (oldest listed: ${verdict.oldest.version}).`,
      fix: `Upgrade to ${target} ${when}, ${how}.`,
    };
  const range = `${verdict.row.kubernetes.min}-${verdict.row.kubernetes.max}`;
  return {
    ...base,
    severity: verdict.reason === "kubernetes-too-old" ? ("error" as const) : ("warning" as const),
    message: `DaemonSet ${nameOf(ds)} runs ${running}, tested on Kubernetes ${range}, not on %K.`,
    fix: `Upgrade to ${target} ${when}, ${how}. Source: ${verdict.row.source}`,
  };
}
