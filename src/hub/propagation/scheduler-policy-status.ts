// The status of PropagationPolicies and ClusterPropagationPolicies, kept by the scheduler from what
// it already knows: condition Valid (is the placement usable at all: selectors that compile,
// spread constraints some cluster set could meet — judged without looking at the fleet) and
// condition Applied with how many templates the policy currently selects (the templates it won,
// not those a higher-priority policy took; placed or not). A policy's status is written once per burst of
// decisions, only when it says something new, and the scheduler's policy informer ignores status
// writes (its signature is the spec), so this wakes nothing.
import type { Logger } from "pino";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { jsonEqual } from "../../apiserver/patch/json-value.ts";
import { AffinityError, compileAffinity, compileLabelSelector } from "../../propagation/affinity.ts";
import type { SchedulingPolicy } from "../../propagation/schedule.ts";
import { spreadConstraintError } from "../../propagation/spread.ts";
import { applyConditions, type Condition, type ConditionUpdate } from "../clusters/conditions.ts";
import { DirtyQueue } from "./dirty-queue.ts";
import type { PolicyInfo } from "./scheduler-objects.ts";

/** Why the policy's placement can never be used, or undefined when it can. */
export function placementError(scheduling: SchedulingPolicy): string | undefined {
  const p = scheduling.placement ?? {};
  try {
    compileAffinity(p.clusterAffinity);
    if (scheduling.clusterLabelSelector)
      compileLabelSelector(scheduling.clusterLabelSelector, "clusterLabelSelector");
    for (const w of p.replicaScheduling?.weightPreference?.staticWeightList ?? [])
      compileAffinity(w.targetCluster);
  } catch (e) {
    if (e instanceof AffinityError) return e.message;
    throw e;
  }
  return spreadConstraintError(p.spreadConstraints ?? []);
}

/** The conditions a policy's status carries. */
export function policyConditions(invalid: string | undefined, placed: number): ConditionUpdate[] {
  return [
    invalid
      ? { type: "Valid", status: "False", reason: "InvalidPlacement", message: invalid }
      : { type: "Valid", status: "True", reason: "Valid", message: "the placement can be used" },
    placed > 0
      ? {
          type: "Applied",
          status: "True",
          reason: "TemplatesSelected",
          message: `selects ${placed} template${placed === 1 ? "" : "s"}`,
        }
      : { type: "Applied", status: "False", reason: "NoTemplates", message: "selects no template" },
  ];
}

export interface PolicyStatusOptions {
  client: InternalClient;
  log: Logger;
  /** The policy the scheduler knows under this key. */
  lookup(key: string): PolicyInfo | undefined;
  /** Wait after a policy is first marked before writing it. Default 100 ms. */
  delayMs?: number;
}

export class PolicyStatusWriter {
  private readonly opts: PolicyStatusOptions;
  private readonly queue: DirtyQueue;
  /** Template key → the policy that won it. */
  private readonly placedBy = new Map<string, string>();
  /** Policy key → how many templates it won. */
  private readonly counts = new Map<string, number>();
  /** Policies marked before start(): counts are partial until every template was decided once. */
  private readonly held = new Set<string>();
  private started = false;

  constructor(opts: PolicyStatusOptions) {
    this.opts = opts;
    this.queue = new DirtyQueue({
      process: (key) => this.write(key),
      log: opts.log,
      concurrency: 2,
      delayMs: opts.delayMs ?? 100,
    });
  }

  /** The policy `template` is decided under now (undefined: none). */
  placed(template: string, policy: string | undefined): void {
    const prev = this.placedBy.get(template);
    if (prev === policy) return;
    if (prev) {
      this.counts.set(prev, (this.counts.get(prev) ?? 1) - 1);
      this.mark(prev);
    }
    if (policy) {
      this.placedBy.set(template, policy);
      this.counts.set(policy, (this.counts.get(policy) ?? 0) + 1);
      this.mark(policy);
    } else this.placedBy.delete(template);
  }

  /** The policy is new or its spec changed: its validity is judged again. */
  changed(policy: string): void {
    this.mark(policy);
  }

  /** Every template was decided once: statuses may be written. */
  start(): void {
    this.started = true;
    for (const key of this.held) this.queue.add(key);
    this.held.clear();
  }

  private mark(key: string): void {
    if (this.started) this.queue.add(key);
    else this.held.add(key);
  }

  idle(): Promise<void> {
    return this.queue.idle();
  }

  stop(): Promise<void> {
    return this.queue.stop();
  }

  private async write(key: string): Promise<void> {
    const info = this.opts.lookup(key);
    if (!info || info.deleting) {
      if (!info && !this.counts.get(key)) this.counts.delete(key);
      return;
    }
    const updates = policyConditions(placementError(info.scheduling), this.counts.get(key) ?? 0);
    const now = `${new Date().toISOString().slice(0, 19)}Z`;
    await this.opts.client.mutate(
      {
        apiVersion: "mcp.platform/v1",
        kind: info.kind,
        ...(info.namespace ? { namespace: info.namespace } : {}),
        name: info.name,
      },
      (p) => {
        if (p.metadata.uid !== info.uid) return undefined; // recreated since: its own turn comes
        const status = (p.status ?? {}) as { conditions?: Condition[]; observedGeneration?: number };
        const generation = p.metadata.generation;
        const { conditions } = applyConditions(status.conditions, updates, now, generation);
        const next = {
          ...status,
          conditions,
          ...(generation !== undefined ? { observedGeneration: generation } : {}),
        };
        return jsonEqual(next, status) ? undefined : { ...p, status: next };
      },
      { status: true },
    );
  }
}
