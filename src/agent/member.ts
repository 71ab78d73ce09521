// How the agent reaches its member cluster: a KubeConfig from --kubeconfig or, inside a Pod, the
// service account's in-cluster configuration, and the status collector, diagnoser and Work
// applier over it. Kept apart from the agent loop so that tests inject their own collector
// without loading a Kubernetes client. KubeConfig comes from its own file, not the package index
// (see src/kube/client-node-slim.ts); the diagnostics (every check and its data) are loaded at
// the first scan, not before: most agents are never asked for one.
import { join } from "node:path";
import { KubeConfig } from "@kubernetes/client-node/dist/config.js";
import type { Logger } from "pino";
import type { DiagnoseParams } from "../diag/fleet/report.ts";
import { MemberConnections } from "../kube/member-connections.ts";
import { MemberApplier } from "../member-apply/applier.ts";
import { fileStatePersistence } from "../member-apply/state-file.ts";
import type { Collector, Diagnoser, WorkReceiver } from "./session.ts";
import { collectClusterStatus } from "./status/collect.ts";
import { WorkSync } from "./work/receiver.ts";

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

/** Status every syncInterval, over connections kept from one collection to the next. */
export function memberCollector(kc: KubeConfig): Collector {
  const connections = new MemberConnections(kc);
  return async (signal) => {
    try {
      return await collectClusterStatus(kc, { signal, connections });
    } catch (e) {
      // A member that failed may have moved or restarted: the next collection connects afresh.
      await connections.close();
      throw e;
    }
  };
}

/** Fleet diagnostics: one mcp-diag scan of the member, as the DiagnosticReport the hub stores. */
export function memberDiagnoser(kc: KubeConfig, clusterName: string): Diagnoser {
  return async (scanId, raw, signal) => {
    const { diagnose, reportObject } = await import("../diag/fleet/report.ts");
    const params: DiagnoseParams = {
      ...(typeof raw.targetVersion === "string" ? { targetVersion: raw.targetVersion } : {}),
      ...(Array.isArray(raw.checks) ? { checks: raw.checks.filter((c) => typeof c === "string") } : {}),
    };
    return reportObject(clusterName, scanId, params, await diagnose(kc, params, { signal }));
  };
}

/** Where the agent keeps its Work state (acked revision, desired set, inventory), beside its credential. */
export function workStatePath(stateDir: string, clusterName: string): string {
  return join(stateDir, clusterName, "work.json");
}

/** Applies the hub's Work to the member; the stored state is loaded before the first Hello. */
export async function memberWork(
  kc: KubeConfig,
  opts: { stateDir: string; clusterName: string; log: Logger },
): Promise<WorkReceiver> {
  const log = opts.log.child({ component: "work" });
  const applier = new MemberApplier({
    kubeConfig: kc,
    log,
    persistence: fileStatePersistence(workStatePath(opts.stateDir, opts.clusterName)),
  });
  await applier.ready();
  if (applier.ackedRevision) log.info({ ackedRevision: applier.ackedRevision }, "resuming Work");
  return new WorkSync({ applier, log });
}
