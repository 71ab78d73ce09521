// The hub's policy engine, assembled: caches of ClusterPolicies, Namespaces, Clusters and
// propagation policies; the admission plugins (ClusterPolicy validation, then enforcement); the
// agent stream extension (policy distribution, PolicyReports from agents); and the push-mode
// auditor. startHub() wires it in with a few lines.
import type { Logger } from "pino";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { AdmissionPlugin } from "../../apiserver/admission/chain.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { PolicyCompiler } from "../../policy/compile.ts";
import type { AgentStreamExtension } from "../agent-endpoint/connect.ts";
import type { CredentialStore } from "../clusters/credentials.ts";
import type { MemberLinks } from "../clusters/member.ts";
import { policyAdmission } from "./admission.ts";
import { PolicyDistribution } from "./distribution.ts";
import { KindCache } from "./kind-cache.ts";
import { type PlacementPreview, placementPreview } from "./placement-preview.ts";
import { PolicyRegistry } from "./policy-registry.ts";
import { PushAuditor } from "./push-audit.ts";
import { policyReportHandler } from "./reports.ts";
import { policyValidation } from "./validation.ts";

export interface PolicyEngineOptions {
  client: InternalClient;
  credentials: CredentialStore;
  /** The hub's links to push members: push audits go through them. */
  links: MemberLinks;
  log: Logger;
  /** Default: the preview over the hub's propagation policies (placement-preview.ts). */
  preview?: PlacementPreview;
  /** How often push members are audited regardless of changes. Default 5 minutes. */
  pushAuditIntervalMs?: number;
}

export interface PolicyEngine {
  /** Validation of ClusterPolicy writes, then enforcement on every write; in that order. */
  admission: AdmissionPlugin[];
  agentExtension: AgentStreamExtension;
  synced: Promise<void>;
  stop(): Promise<void>;
}

export function startPolicyEngine(opts: PolicyEngineOptions): PolicyEngine {
  const { client, log } = opts;
  const caches = {
    policies: new KindCache(client, API_VERSION, "ClusterPolicy"),
    namespaces: new KindCache(client, "v1", "Namespace"),
    clusters: new KindCache(client, API_VERSION, "Cluster"),
    propagationPolicies: new KindCache(client, API_VERSION, "PropagationPolicy"),
    clusterPropagationPolicies: new KindCache(client, API_VERSION, "ClusterPropagationPolicy"),
  };
  const compiler = new PolicyCompiler();
  const registry = new PolicyRegistry(caches.policies, compiler, log);
  const distribution = new PolicyDistribution({ registry, clusters: caches.clusters, log });
  const pushAudit = new PushAuditor({
    registry,
    clusters: caches.clusters,
    credentials: opts.credentials,
    links: opts.links,
    client,
    log,
    intervalMs: opts.pushAuditIntervalMs,
  });
  const enforcement = policyAdmission({
    rules: () => registry.get().index,
    namespace: (name) => caches.namespaces.get(name),
    preview: opts.preview ?? placementPreview(caches),
    log,
  });
  return {
    admission: [policyValidation(compiler), enforcement],
    agentExtension: {
      ...distribution.extension,
      reports: { PolicyReport: policyReportHandler(client, log) },
    },
    synced: Promise.all(Object.values(caches).map((c) => c.synced)).then(() => undefined),
    async stop() {
      distribution.stop();
      pushAudit.stop();
      await Promise.all(Object.values(caches).map((c) => c.stop()));
    },
  };
}
