// Test helpers: ClusterViews (what placement, replicas and failover read) and Cluster objects.
import type { KubeObject } from "../apis/meta/types.ts";
import type { ClusterView } from "./cluster-view.ts";

/** An accepted, Ready cluster with these labels (region/zone/provider also read from labels). */
export function view(
  name: string,
  labels: Record<string, string> = {},
  more: Partial<ClusterView> = {},
): ClusterView {
  return {
    name,
    labels,
    ...(labels.region ? { region: labels.region } : {}),
    ...(labels.zone ? { zone: labels.zone } : {}),
    ...(labels.provider ? { provider: labels.provider } : {}),
    taints: [],
    accepted: true,
    deleting: false,
    ready: { status: "True", since: 0 },
    ...more,
  };
}

/** A Cluster object as the hub stores it. */
export function clusterObject(
  name: string,
  opts: {
    labels?: Record<string, string>;
    spec?: Record<string, unknown>;
    status?: Record<string, unknown>;
  } = {},
): KubeObject {
  return {
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name, ...(opts.labels ? { labels: opts.labels } : {}) },
    spec: { mode: "Pull", hubAcceptsClient: true, ...opts.spec },
    ...(opts.status ? { status: opts.status } : {}),
  };
}
