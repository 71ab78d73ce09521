// The contract of mcp-diag: a scan gathers one read-only snapshot of a cluster, every check is a
// pure function from that snapshot to findings, and reports (table, JSON, SARIF, fleet matrix)
// are built from findings. Checks never call the cluster themselves, so they are fast, testable
// with fixtures, and the same in standalone and fleet mode.
import type { KubeObject } from "../apis/meta/types.ts";

export type Severity = "info" | "warning" | "error";

export type Area = "version" | "nodes" | "workloads" | "storage" | "network" | "operations" | "security";

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface Finding {
  /** Stable code, e.g. MCP-NET-003: the check's code. */
  code: string;
  severity: Severity;
  /** What the finding is about (absent for cluster-wide findings). */
  object?: ObjectRef;
  /** One sentence naming the object and the problem. */
  message: string;
  /** A concrete fix: the command or patch that resolves it. */
  fix: string;
}

/** Resources a snapshot holds, by a short key; each list is every object the scan could read. */
export type SnapshotKey =
  | "nodes"
  | "namespaces"
  | "pods"
  | "deployments"
  | "replicasets"
  | "statefulsets"
  | "daemonsets"
  | "jobs"
  | "cronjobs"
  | "services"
  | "endpointslices"
  | "persistentvolumeclaims"
  | "persistentvolumes"
  | "storageclasses"
  | "csidrivers"
  | "networkpolicies"
  | "poddisruptionbudgets"
  | "configmaps"
  | "secrets"
  | "clusterrolebindings"
  | "rolebindings"
  | "customresourcedefinitions"
  | "velerobackups"
  | "veleroschedules";

export interface ClusterSnapshot {
  /** /version gitVersion, e.g. v1.29.4. */
  kubernetesVersion: string;
  objects: Partial<Record<SnapshotKey, KubeObject[]>>;
  /** Resources that could not be read, with why (403, not served...): checks degrade to info. */
  unreadable: Partial<Record<SnapshotKey, string>>;
  /** Served group/version/resources, for deprecated-API checks ("apps/v1/deployments"). */
  servedResources: string[];
  /** PEM certificates from the kubeconfig used to connect (client and CA), for expiry checks. */
  kubeconfigCertificates: { source: string; pem: string }[];
}

export interface CheckContext {
  snapshot: ClusterSnapshot;
  /** Pre-upgrade mode: the Kubernetes version the cluster is about to move to, e.g. "1.30". */
  targetVersion?: string;
  now: Date;
}

export interface Check {
  /** Stable code, e.g. "MCP-NET-003". */
  code: string;
  area: Area;
  /** Short title for tables and SARIF rule names, e.g. "Service selects no pods". */
  title: string;
  /** Default severity of its findings (a finding may differ). */
  severity: Severity;
  /** Snapshot keys it reads; when one is unreadable the scan reports an info finding instead of running it. */
  reads: SnapshotKey[];
  /** A longer description (SARIF rule help). */
  description: string;
  run(ctx: CheckContext): Finding[];
}
