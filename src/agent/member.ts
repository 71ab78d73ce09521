// How the agent reaches its member cluster: a KubeConfig from --kubeconfig or, inside a Pod, the
// service account's in-cluster configuration, and the status collector over it. Kept apart from
// the agent loop so that tests inject their own collector without loading a Kubernetes client.
import { KubeConfig } from "@kubernetes/client-node";
import { type DiagnoseParams, diagnose, reportObject } from "../diag/fleet/report.ts";
import type { Collector, Diagnoser } from "./session.ts";
import { collectClusterStatus } from "./status/collect.ts";

export function loadMemberKubeConfig(path: string | undefined): KubeConfig {
  const kc = new KubeConfig();
  if (path) {
    try {
      kc.loadFromFile(path);
    } catch (e) {
      throw new Error(`cannot load --kubeconfig ${path}: ${(e as Error).message}`);
    }
    if (!kc.getCurrentCluster())
      throw new Error(`--kubeconfig ${path} has no current context with a cluster`);
    return kc;
  }
  if (!process.env.KUBERNETES_SERVICE_HOST)
    throw new Error("no --kubeconfig given and not running in a Pod (KUBERNETES_SERVICE_HOST is unset)");
  kc.loadFromCluster();
  return kc;
}

export function memberCollector(kc: KubeConfig): Collector {
  return (signal) => collectClusterStatus(kc, { signal });
}

/** Fleet diagnostics: one mcp-diag scan of the member, as the DiagnosticReport the hub stores. */
export function memberDiagnoser(kc: KubeConfig, clusterName: string): Diagnoser {
  return async (scanId, raw, signal) => {
    const params: DiagnoseParams = {
      ...(typeof raw.targetVersion === "string" ? { targetVersion: raw.targetVersion } : {}),
      ...(Array.isArray(raw.checks) ? { checks: raw.checks.filter((c) => typeof c === "string") } : {}),
    };
    return reportObject(clusterName, scanId, params, await diagnose(kc, params, { signal }));
  };
}
