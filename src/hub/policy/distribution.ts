// Sends each connected agent the policies its cluster audits (Command "policies"): on connect,
// and whenever a ClusterPolicy or the cluster's labels change (changes within a few ms are sent
// together). A cluster is sent a set only when its revision differs from the last one sent on
// that stream, so a change to a policy that selects 10 of 1,000 clusters reaches those 10.
import type { Logger } from "pino";
import { appliesToCluster, POLICIES_COMMAND, type PolicySet, policySet } from "../../policy/policy-set.ts";
import type { AgentStreamExtension } from "../agent-endpoint/connect.ts";
import type { AgentSession } from "../agent-endpoint/sessions.ts";
import type { KindCache } from "./kind-cache.ts";
import type { CurrentPolicies, PolicyRegistry } from "./policy-registry.ts";

export interface DistributionDeps {
  registry: PolicyRegistry;
  clusters: KindCache;
  log: Logger;
  /** How long changes are gathered before sending. Default 10 ms. */
  debounceMs?: number;
}

/** The policy set of a cluster with these labels. */
export function policySetFor(current: CurrentPolicies, labels: Record<string, string>): PolicySet {
  const sources = current.compiled
    .filter((p) => appliesToCluster(p, labels))
    .map((p) => current.sources.get(p.name)!);
  return policySet(sources, labels);
}

export class PolicyDistribution {
  private readonly deps: DistributionDeps;
  private readonly sessions = new Set<AgentSession>();
  private readonly sent = new WeakMap<AgentSession, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(deps: DistributionDeps) {
    this.deps = deps;
    deps.registry.onChange(() => this.schedule());
    // Heartbeats rewrite Clusters all the time; only their labels matter here.
    deps.clusters.onChangeOf(
      (c) => JSON.stringify(c.metadata.labels ?? {}),
      () => this.schedule(),
    );
  }

  readonly extension: AgentStreamExtension = {
    connected: (session) => {
      this.sessions.add(session);
      this.sent.delete(session);
      this.sendAll([session]);
    },
    disconnected: (session) => {
      this.sessions.delete(session);
    },
  };

  private schedule(): void {
    if (this.timer || this.sessions.size === 0) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendAll([...this.sessions]);
    }, this.deps.debounceMs ?? 10);
  }

  private sendAll(sessions: AgentSession[]): void {
    const current = this.deps.registry.get();
    const encoded = new Map<string, string>();
    let sent = 0;
    for (const s of sessions) {
      if (s.closed) {
        this.sessions.delete(s);
        continue;
      }
      const labels = this.deps.clusters.get(s.clusterName)?.metadata.labels ?? {};
      const set = policySetFor(current, labels);
      if (this.sent.get(s) === set.revision) continue;
      const json = encoded.get(set.revision) ?? JSON.stringify(set);
      encoded.set(set.revision, json);
      s.sendCommand({ name: POLICIES_COMMAND, params_json: json, id: set.revision });
      this.sent.set(s, set.revision);
      sent++;
    }
    if (sent > 0) this.deps.log.debug({ agents: sent }, "policy sets sent");
  }

  stop(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }
}
