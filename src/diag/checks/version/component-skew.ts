// MCP-VER-003 — component version skew outside the Kubernetes skew policy.
// Components older than the policy allows (../../data/skew.ts) talk to an apiserver that no longer
// serves what they expect; newer ones may use APIs it does not have yet. The usual upgrade failure
// is a fleet of kubelets two or three minors behind: fine today, out of policy after the control
// plane moves. With --target-version the skew is computed against the target, i.e. as it will be
// right after the control plane is upgraded, and skipping an apiserver minor is reported too.
import type { KubeObject } from "../../../apis/meta/types.ts";
import { minorDistance, parseVersion, type Version } from "../../data/kube-version.ts";
import { APISERVER_MAX_MINOR_STEP, type Component, judgeSkew, skewSource } from "../../data/skew.ts";
import type { Check, CheckContext, Finding } from "../../types.ts";
import { list, nameOf, rec, ref, str } from "../objects.ts";
import {
  apiserverVersion,
  componentPods,
  judgedLabel,
  judgedVersion,
  podImageVersion,
} from "./control-plane.ts";

interface Running {
  component: Component;
  object: KubeObject;
  version: Version;
}

export const componentSkew: Check = {
  code: "MCP-VER-003",
  area: "version",
  title: "Component version skew out of policy",
  severity: "error",
  reads: ["nodes", "pods"],
  description:
    "Compares kubelet (node.status.nodeInfo), kube-proxy (its pods' image, else nodeInfo), and " +
    "kube-controller-manager / kube-scheduler (their static pods' image) with kube-apiserver per the " +
    "version-skew policy: none may be newer; kubelet and kube-proxy may lag 3 minors (2 before 1.28), " +
    "controller-manager and scheduler 1. With --target-version the skew after the control-plane upgrade " +
    "is judged, and a target more than one minor ahead is reported (the apiserver upgrades one minor at a time).",
  run(ctx) {
    const apiserver = judgedVersion(ctx);
    if (!apiserver) return [];
    const out: Finding[] = [...minorStep(ctx)];
    for (const r of running(ctx)) {
      const verdict = judgeSkew(r.component, r.version, apiserver);
      if (verdict.ok) continue;
      const what = `${r.component} v${r.version.major}.${r.version.minor}.${r.version.patch} on ${r.object.kind} ${nameOf(r.object)}`;
      const against = judgedLabel(ctx, apiserver);
      out.push({
        code: componentSkew.code,
        severity: "error",
        object: ref(r.object),
        message:
          verdict.reason === "newer-than-apiserver"
            ? `${what} is ${verdict.by} minor(s) newer than ${against}; no component may be newer than kube-apiserver.`
            : `${what} is ${verdict.by} minors older than ${against}; the skew policy allows ${verdict.max}.`,
        fix: `${fixFor(r, apiserver, ctx.targetVersion !== undefined)} Policy: ${skewSource(r.component)}`,
      });
    }
    return out;
  },
};

function running(ctx: CheckContext): Running[] {
  const out: Running[] = [];
  const nodes = list(ctx, "nodes");
  for (const node of nodes) {
    const version = parseVersion(str(rec(rec(node.status).nodeInfo).kubeletVersion));
    if (version) out.push({ component: "kubelet", object: node, version });
  }
  const proxies = list(ctx, "pods").filter(
    (p) => p.metadata.namespace === "kube-system" && p.metadata.labels?.["k8s-app"] === "kube-proxy",
  );
  for (const pod of proxies) {
    const version = podImageVersion(pod, "kube-proxy");
    if (version) out.push({ component: "kube-proxy", object: pod, version });
  }
  // nodeInfo.kubeProxyVersion is deprecated and often empty; only used when no kube-proxy pods show.
  if (proxies.length === 0) {
    for (const node of nodes) {
      const version = parseVersion(str(rec(rec(node.status).nodeInfo).kubeProxyVersion));
      if (version) out.push({ component: "kube-proxy", object: node, version });
    }
  }
  for (const component of ["kube-controller-manager", "kube-scheduler"] as const) {
    for (const pod of componentPods(ctx, component)) {
      const version = podImageVersion(pod, component);
      if (version) out.push({ component, object: pod, version });
    }
  }
  return out;
}

function minorStep(ctx: CheckContext): Finding[] {
  const current = apiserverVersion(ctx);
  const target = parseVersion(ctx.targetVersion);
  if (!current || !target || minorDistance(target, current) <= APISERVER_MAX_MINOR_STEP.minors) return [];
  const next = `v${current.major}.${current.minor + 1}`;
  return [
    {
      code: componentSkew.code,
      severity: "error",
      message: `kube-apiserver v${current.major}.${current.minor} cannot be upgraded straight to v${target.major}.${target.minor}: the control plane moves one minor at a time.`,
      fix: `Upgrade in steps (kubeadm upgrade apply ${next}.x, then the next minor), running this scan with --target-version for each step. Policy: ${APISERVER_MAX_MINOR_STEP.source}`,
    },
  ];
}

function fixFor(r: Running, apiserver: Version, upgrade: boolean): string {
  const v = `v${apiserver.major}.${apiserver.minor}`;
  const when = upgrade ? "before upgrading the control plane" : "now";
  switch (r.component) {
    case "kubelet": {
      const n = r.object.metadata.name;
      return `Upgrade node ${n} ${when}: kubectl drain ${n} --ignore-daemonsets --delete-emptydir-data; upgrade the kubelet package toward ${v} (one minor at a time); systemctl restart kubelet; kubectl uncordon ${n}.`;
    }
    case "kube-proxy":
      return `Set kube-proxy's image to the control plane's version ${when}: kubectl -n kube-system set image daemonset/kube-proxy kube-proxy=registry.k8s.io/kube-proxy:${v}.<patch> (kubeadm upgrade apply does this).`;
    default:
      return `Upgrade ${r.component} with the control plane: set its image to registry.k8s.io/${r.component}:${v}.<patch> in /etc/kubernetes/manifests/${r.component}.yaml on each control-plane node (kubeadm upgrade apply / node does this).`;
  }
}
