// Push-mode members have no agent: the hub audits them itself, with the same code the agent runs
// (src/policy/member-audit.ts) over the stored credential, through the member's one connection
// pool (the hub's MemberLinks, shared with the poller and the push syncer). A cluster is audited
// when its policy set changes (policies or labels), when it joins, and every `intervalMs`; never
// twice at once, and at most `concurrency` clusters together.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { createLimiter } from "../../agent/status/limit.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { MemberConnections } from "../../kube/member-connections.ts";
import type { CompiledPolicy } from "../../policy/compile.ts";
import { auditMember } from "../../policy/member-audit.ts";
import type { PolicyReportStatus } from "../../policy/policy-types.ts";
import { clusterMode } from "../clusters/cluster-object.ts";
import type { CredentialStore } from "../clusters/credentials.ts";
import type { MemberLinks } from "../clusters/member.ts";
import { policySetFor } from "./distribution.ts";
import type { KindCache } from "./kind-cache.ts";
import type { PolicyRegistry } from "./policy-registry.ts";
import { storePolicyReport } from "./reports.ts";

export interface PushAuditDeps {
  registry: PolicyRegistry;
  clusters: KindCache;
  credentials: Pick<CredentialStore, "get">;
  /** The hub's links to push members (their owner closes them). */
  links: MemberLinks;
  client: InternalClient;
  log: Logger;
  /** Default 5 minutes. */
  intervalMs?: number;
  /** Default 4. */
  concurrency?: number;
  /** Changes within this window are audited together. Default 500 ms. */
  debounceMs?: number;
  /** For tests. */
  audit?: (
    kc: KubeConfig,
    policies: CompiledPolicy[],
    labels: Record<string, string>,
    connections: MemberConnections,
  ) => Promise<PolicyReportStatus>;
}

export class PushAuditor {
  private readonly deps: PushAuditDeps;
  private readonly limit: ReturnType<typeof createLimiter>;
  private readonly audited = new Map<string, string>();
  private readonly running = new Set<string>();
  private readonly again = new Set<string>();
  private readonly periodic: NodeJS.Timeout;
  private debounce: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(deps: PushAuditDeps) {
    this.deps = deps;
    this.limit = createLimiter(deps.concurrency ?? 4);
    deps.registry.onChange(() => this.schedule());
    // Heartbeats and polls rewrite Clusters all the time; what an audit depends on changes rarely.
    deps.clusters.onChangeOf(
      (c) => JSON.stringify([c.metadata.labels, c.spec, c.metadata.deletionTimestamp ?? ""]),
      () => this.schedule(),
    );
    this.periodic = setInterval(() => this.auditAll(true), deps.intervalMs ?? 5 * 60_000);
    this.periodic.unref();
  }

  /** Audits push clusters whose policy set changed since their last audit. */
  schedule(): void {
    if (this.debounce || this.stopped) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      this.auditAll(false);
    }, this.deps.debounceMs ?? 500);
  }

  private auditAll(force: boolean): void {
    if (this.stopped) return;
    const current = this.deps.registry.get();
    for (const c of this.deps.clusters.all()) {
      if (clusterMode(c) !== "Push" || c.metadata.deletionTimestamp) continue;
      const name = c.metadata.name!;
      const set = policySetFor(current, c.metadata.labels ?? {});
      if (!force && this.audited.get(name) === set.revision) continue;
      this.audited.set(name, set.revision);
      this.start(c);
    }
  }

  private start(cluster: KubeObject): void {
    const name = cluster.metadata.name!;
    if (this.running.has(name)) {
      this.again.add(name);
      return;
    }
    this.running.add(name);
    void this.limit(() => this.auditOne(cluster))
      .catch((err) => this.deps.log.warn({ err: String(err), cluster: name }, "push policy audit failed"))
      .finally(() => {
        this.running.delete(name);
        if (this.again.delete(name)) {
          const latest = this.deps.clusters.get(name);
          if (latest) this.start(latest);
        }
      });
  }

  private async auditOne(cluster: KubeObject): Promise<void> {
    if (this.stopped) return;
    const name = cluster.metadata.name!;
    const labels = cluster.metadata.labels ?? {};
    const current = this.deps.registry.get();
    const set = policySetFor(current, labels);
    const names = new Set(set.policies.map((p) => p.name));
    const policies = current.compiled.filter((p) => names.has(p.name));
    const spec = cluster.spec as { apiEndpoint?: string; caData?: string };
    let status: PolicyReportStatus;
    try {
      if (!spec.apiEndpoint) throw new Error("the cluster has no apiEndpoint; join it again");
      const link = await this.deps.links.forCluster(
        { name, apiEndpoint: spec.apiEndpoint, caData: spec.caData },
        this.deps.credentials,
      );
      status = await (this.deps.audit ?? defaultAudit)(link.kc, policies, labels, link.connections);
    } catch (e) {
      status = {
        error: `cannot audit the member cluster: ${(e as Error).message}`,
        lastAuditTime: new Date().toISOString(),
      };
    }
    if (!this.stopped) await storePolicyReport(this.deps.client, name, status);
  }

  stop(): void {
    this.stopped = true;
    clearInterval(this.periodic);
    clearTimeout(this.debounce);
  }
}

function defaultAudit(
  kc: KubeConfig,
  policies: CompiledPolicy[],
  labels: Record<string, string>,
  connections: MemberConnections,
) {
  return auditMember(kc, { policies, clusterLabels: labels, connections });
}
