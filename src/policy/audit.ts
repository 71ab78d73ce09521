// A compliance audit of existing objects (a member's, or the hub's view of a push member): each
// object is evaluated against the rules that match it as operation AUDIT (no user, no old object,
// `cluster` = this cluster's labels), whatever the rule's action. Failures and errors are listed
// (up to MAX_RESULTS), passes only counted, per policy and in total; the result is a
// PolicyReport status. Shared by the agent (src/agent/audit/) and the hub (src/hub/policy/).
import type { KubeObject } from "../apis/meta/types.ts";
import type { CompiledPolicy } from "./compile.ts";
import { DEFAULT_REQUEST_BUDGET, evaluateRules, type RequestBudget, type RuleOutcome } from "./evaluate.ts";
import type { PolicyReportStatus, PolicyResultEntry } from "./policy-types.ts";
import { MAX_RESULTS } from "./report.ts";
import { RuleIndex } from "./rule-index.ts";

export interface ResourceInfo {
  group: string;
  version: string;
  kind: string;
  /** Plural name. */
  resource: string;
  namespaced: boolean;
}

export interface AuditOptions {
  policies: readonly CompiledPolicy[];
  clusterLabels: Record<string, string>;
  /** The member's namespaces by name (namespaceSelector, namespaceObject). */
  namespaces: ReadonlyMap<string, KubeObject>;
  budget?: RequestBudget;
  now?: () => Date;
}

type Counts = { pass: number; fail: number; warn: number; error: number };

const zero = (): Counts => ({ pass: 0, fail: 0, warn: 0, error: 0 });

export class AuditRun {
  readonly index: RuleIndex;
  private readonly opts: AuditOptions;
  private readonly total = zero();
  private readonly perPolicy = new Map<string, Counts>();
  private readonly results: PolicyResultEntry[] = [];
  private truncated = false;
  private objects = 0;

  constructor(opts: AuditOptions) {
    this.opts = opts;
    this.index = new RuleIndex(opts.policies.filter((p) => p.auditInMembers));
    for (const p of this.index.policies) this.perPolicy.set(p.name, zero());
  }

  /** Whether any rule could apply to this resource (so whether listing it is worth it). */
  wants(r: Pick<ResourceInfo, "kind" | "resource">): boolean {
    return this.index.candidates(r).length > 0;
  }

  audit(obj: KubeObject, r: ResourceInfo): void {
    const ns = obj.metadata.namespace ?? "";
    // As in admission: a namespaced object's Namespace; a Namespace is judged by its own labels.
    const nsObject = r.namespaced ? this.opts.namespaces.get(ns) : undefined;
    const isNamespace = r.group === "" && r.resource === "namespaces";
    const rules = this.index.matching({
      group: r.group,
      kind: r.kind,
      resource: r.resource,
      namespaced: r.namespaced,
      namespace: ns,
      name: obj.metadata.name ?? "",
      operation: "AUDIT",
      labels: obj.metadata.labels ?? {},
      namespaceLabels: (isNamespace ? obj : nsObject)?.metadata.labels ?? {},
    });
    this.objects++;
    if (rules.length === 0) return;
    const outcomes = evaluateRules(
      rules,
      {
        object: obj,
        ...(nsObject ? { namespaceObject: nsObject } : {}),
        cluster: [this.opts.clusterLabels],
        request: {
          user: "",
          groups: [],
          tenant: "",
          operation: "AUDIT",
          namespace: ns,
          name: obj.metadata.name ?? "",
          kind: r.kind,
          apiGroup: r.group,
          resource: r.resource,
        },
      },
      this.opts.budget ?? DEFAULT_REQUEST_BUDGET,
    );
    for (const o of outcomes) this.record(o, obj);
  }

  private record(o: RuleOutcome, obj: KubeObject): void {
    const result =
      o.result === "pass"
        ? "pass"
        : o.result === "error"
          ? "error"
          : o.rule.action === "warn"
            ? "warn"
            : "fail";
    this.total[result]++;
    this.perPolicy.get(o.rule.policy)![result]++;
    if (result === "pass") return;
    if (this.results.length >= MAX_RESULTS) {
      this.truncated = true;
      return;
    }
    this.results.push({
      policy: o.rule.policy,
      rule: o.rule.name,
      result,
      action: o.rule.action,
      message: o.message.slice(0, 1024),
      resource: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        ...(obj.metadata.namespace ? { namespace: obj.metadata.namespace } : {}),
        name: obj.metadata.name ?? "",
      },
    });
  }

  finish(): PolicyReportStatus {
    return {
      summary: { ...this.total },
      policies: [...this.perPolicy].map(([name, c]) => ({ name, ...c })),
      results: this.results,
      ...(this.truncated ? { truncated: true } : {}),
      objectsAudited: this.objects,
      lastAuditTime: (this.opts.now?.() ?? new Date()).toISOString(),
    };
  }
}
