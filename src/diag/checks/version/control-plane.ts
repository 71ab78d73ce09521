// Where the version checks find control-plane versions: kubeadm-style static pods in kube-system
// (labelled component=<name>, version in the image tag) and the apiserver version the scan read
// from /version, or the target version in pre-upgrade mode. Managed control planes (EKS, GKE, AKS)
// hide these pods, so checks find nothing to judge there rather than guessing.

import { imageTag } from "../../../agent/status/components.ts";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { parseVersion, type Version } from "../../data/kube-version.ts";
import type { CheckContext } from "../../types.ts";
import { list } from "../objects.ts";
import { appContainers } from "../workloads/kube.ts";

/** kube-system pods labelled component=<component> (static pods' mirror pods). */
export function componentPods(ctx: CheckContext, component: string): KubeObject[] {
  return list(ctx, "pods").filter(
    (p) => p.metadata.namespace === "kube-system" && p.metadata.labels?.component === component,
  );
}

/** The version in the image tag of the container named like the component (else the first). */
export function podImageVersion(pod: KubeObject, container: string): Version | undefined {
  const containers = appContainers(pod);
  const c = containers.find((x) => x.name === container) ?? containers[0];
  return parseVersion(imageTag(c?.image));
}

export function apiserverVersion(ctx: CheckContext): Version | undefined {
  return parseVersion(ctx.snapshot.kubernetesVersion);
}

/** The version checks judge against: the target in pre-upgrade mode, else what runs. */
export function judgedVersion(ctx: CheckContext): Version | undefined {
  return parseVersion(ctx.targetVersion) ?? apiserverVersion(ctx);
}

/** "v1.30" or "the target v1.31": how messages name the version judged against. */
export function judgedLabel(ctx: CheckContext, v: Version): string {
  return `${ctx.targetVersion ? "target Kubernetes" : "Kubernetes"} v${v.major}.${v.minor}`;
}
