// The contract between a simulated cluster (src/sim/cluster.ts) and its controllers
// (src/sim/controllers/): what a cluster looks like (its profile), which faults are injected,
// and the client controllers read and write with.
import type { Logger } from "pino";
import type { InternalClient } from "../apiserver/client/internal-client.ts";
import type { EventSink } from "./events/recorder.ts";

/** Everything that makes one simulated cluster different from another. */
export interface SimProfile {
  /** Cluster name, e.g. "sim-001". */
  name: string;
  /** e.g. "v1.29.4": /version, kubelet versions, control-plane images. */
  kubernetesVersion: string;
  nodes: number;
  /** Per-node capacity. */
  nodeCpu: string;
  nodeMemory: string;
  nodePods: number;
  cni: { name: "calico" | "cilium"; version: string; mtu: number };
  kubeProxyMode: "iptables" | "ipvs";
  etcdVersion: string;
  coreDNSReplicas: number;
  /** Labels describing where the cluster is (region, zone, provider, env...). */
  labels: Record<string, string>;
  /** How long a bound pod takes to become Running and Ready. */
  podStartDelayMs: number;
  /** Node Lease renewal / Ready heartbeat interval. */
  nodeHeartbeatMs: number;
  /** How often the HPA controller re-evaluates every HPA (--horizontal-pod-autoscaler-sync-period, default 15 s). */
  hpaSyncPeriodMs?: number;
  /** metrics-server's --metric-resolution: how often usage is scraped (default 15 s). */
  metricResolutionMs?: number;
}

/** Faults injected into one cluster, changed at run time by tests and the CLI. */
export interface FaultState {
  /** Node names whose kubelet "stopped": Ready=Unknown/False, leases no longer renewed. */
  nodesNotReady: Set<string>;
  /** The whole cluster refuses connections. */
  offline: boolean;
  /** Added to every API request. */
  apiLatencyMs: number;
  /** "namespace/name" of Deployments, StatefulSets or DaemonSets whose pods crash-loop. */
  crashLoop: Set<string>;
  /** Simulated application metrics (rollout gates): fraction of requests failing, and p99 latency. */
  appErrorRate: number;
  appP99LatencyMs: number;
  /**
   * Simulated resource usage (metrics.k8s.io, HPAs) by "namespace/name" of a workload (or pod),
   * or "*" for every other one: see Load.
   */
  cpuLoad: Map<string, Load>;
  memoryLoad: Map<string, Load>;
}

/**
 * How busy a workload's pods are: a number is the fraction of its request each pod uses;
 * {total} is the work of `total` pods at 100% of their request, shared by its Ready pods (so
 * adding replicas lowers each one's usage, as it does for a real service).
 */
export type Load = number | { total: number };

export function noFaults(): FaultState {
  return {
    nodesNotReady: new Set(),
    offline: false,
    apiLatencyMs: 0,
    crashLoop: new Set(),
    appErrorRate: 0,
    appP99LatencyMs: 50,
    cpuLoad: new Map(),
    memoryLoad: new Map(),
  };
}

export interface SimControllerContext {
  cluster: string;
  client: InternalClient;
  profile: SimProfile;
  faults: FaultState;
  log: Logger;
  /** Aborted when the cluster stops. */
  signal: AbortSignal;
  /** Where controllers report Events; default a recorder of their own that never expires them. */
  events?: EventSink;
}

/** A running controller. */
export interface SimController {
  /** Resolves after the controller's first sync. */
  synced: Promise<void>;
  stop(): Promise<void>;
}
