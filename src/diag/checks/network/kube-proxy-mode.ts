// MCP-NET-001 — kube-proxy mode does not fit the cluster.
// In iptables mode every Service adds rules that are matched linearly and rewritten as a whole on
// each change, so beyond about a thousand Services updates take seconds and latency grows; ipvs
// (hash tables) or nftables (sets/maps, GA in 1.33) scale. The mode comes from the kubeadm-style
// ConfigMap kube-system/kube-proxy (config.conf, `mode:`); empty means iptables on Linux.
// Clusters without that ConfigMap (kube-proxy replaced by Cilium, managed add-ons) are skipped.
import { parse } from "yaml";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { find, list, rec, ref, str } from "../objects.ts";

/** Above this many Services iptables mode is a known bottleneck. */
export const IPTABLES_SERVICE_LIMIT = 1000;

/** The configured mode, "" when unset, undefined when the config cannot be read. */
export function proxyMode(configConf: string): string | undefined {
  try {
    return str(rec(parse(configConf)).mode) ?? "";
  } catch {
    // Fall back to a line match: a half-valid file still says which mode it wants.
    const m = /^mode:\s*["']?([a-z]*)["']?\s*$/m.exec(configConf);
    return m ? m[1] : undefined;
  }
}

function minor(version: string): number {
  const m = /^v?1\.(\d+)/.exec(version);
  return m ? Number(m[1]) : 0;
}

/** Services kube-proxy programs: headless and ExternalName Services have no rules. */
function proxiedServices(ctx: CheckContext): number {
  return list(ctx, "services").filter((s) => {
    const spec = rec(s.spec);
    return str(spec.type) !== "ExternalName" && str(spec.clusterIP) !== "None";
  }).length;
}

const RESTART = "kubectl -n kube-system rollout restart daemonset kube-proxy";

export const kubeProxyMode: Check = {
  code: "MCP-NET-001",
  area: "network",
  title: "kube-proxy mode",
  severity: "warning",
  reads: ["configmaps", "services"],
  description:
    `kube-proxy in iptables mode with more than ${IPTABLES_SERVICE_LIMIT} Services (warning: slow rule updates, ` +
    "higher latency; use nftables or ipvs), in the removed userspace mode (error), or in ipvs mode on " +
    "Kubernetes 1.35+ where it is deprecated (info).",
  run(ctx) {
    const cm = find(list(ctx, "configmaps"), "kube-system", "kube-proxy");
    const conf = str(rec(cm?.data)["config.conf"]);
    if (!cm || conf === undefined) return [];
    const mode = proxyMode(conf);
    if (mode === undefined) return [];
    const k8sMinor = minor(ctx.snapshot.kubernetesVersion);
    const target = k8sMinor >= 31 ? "nftables" : "ipvs";
    const fix = (to: string) =>
      `kubectl -n kube-system edit configmap kube-proxy (set mode: "${to}" in config.conf${
        to === "nftables" ? "; needs Linux kernel 5.13+" : "; needs the ip_vs kernel modules"
      }), then ${RESTART}`;
    const finding = (severity: Finding["severity"], message: string, to: string): Finding[] => [
      { code: kubeProxyMode.code, severity, object: ref(cm), message, fix: fix(to) },
    ];
    if (mode === "userspace") {
      return finding(
        "error",
        "ConfigMap kube-system/kube-proxy sets mode userspace, removed in Kubernetes 1.26.",
        target,
      );
    }
    if (mode === "" || mode === "iptables") {
      const count = proxiedServices(ctx);
      if (count <= IPTABLES_SERVICE_LIMIT) return [];
      return finding(
        "warning",
        `ConfigMap kube-system/kube-proxy runs kube-proxy in iptables mode${mode === "" ? " (the default)" : ""} ` +
          `with ${count} Services; rule updates and connection setup slow down beyond ${IPTABLES_SERVICE_LIMIT}.`,
        target,
      );
    }
    if (mode === "ipvs" && k8sMinor >= 35) {
      return finding(
        "info",
        "ConfigMap kube-system/kube-proxy uses ipvs mode, deprecated since Kubernetes 1.35; nftables is its successor.",
        "nftables",
      );
    }
    return [];
  },
};
