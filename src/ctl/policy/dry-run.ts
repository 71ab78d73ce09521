// `mcpctl policy test`, pure: ClusterPolicies and objects read from files, each object evaluated
// as a write by the given user (CREATE by default) against every rule that matches it, with the
// same compile → match → evaluate code the hub's admission runs. Namespaces among the objects
// give namespaceSelector and namespaceObject their labels. No hub is involved.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { StatusCause } from "../../apiserver/errors.ts";
import { type CompiledPolicy, compilePolicy } from "../../policy/compile.ts";
import { decide, evaluateRules, type RuleOutcome } from "../../policy/evaluate.ts";
import type { PolicyOperation } from "../../policy/match.ts";
import { RuleIndex } from "../../policy/rule-index.ts";
import { userTenant } from "../../policy/tenant.ts";

export interface DryRunOptions {
  user: string;
  groups: string[];
  operation: PolicyOperation;
  /** Labels of the clusters the objects would go to (the `cluster` variable). */
  clusters: Record<string, string>[];
}

export interface DryRunRow {
  object: string;
  policy: string;
  rule: string;
  action: string;
  /** deny | warn | audit | error (ignored) | pass */
  verdict: string;
  message: string;
}

export interface DryRunResult {
  /** Policies that do not compile: field causes by policy name. */
  invalid: { policy: string; causes: StatusCause[] }[];
  rows: DryRunRow[];
  /** Objects the policies would refuse. */
  denied: string[];
  objects: number;
  policies: number;
}

/** A plural for the kinds a test file holds (as discovery would answer): `kind`s, lower-case. */
function pluralOf(kind: string): string {
  const k = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(k)) return `${k}es`;
  if (/[^aeiou]y$/.test(k)) return `${k.slice(0, -1)}ies`;
  return `${k}s`;
}

const CLUSTER_SCOPED = new Set([
  "Namespace",
  "Node",
  "ClusterRole",
  "ClusterRoleBinding",
  "CustomResourceDefinition",
  "PersistentVolume",
  "StorageClass",
  "ClusterPolicy",
  "Cluster",
  "ClusterPropagationPolicy",
  "ClusterOverridePolicy",
]);

export function dryRun(docs: KubeObject[], opts: DryRunOptions): DryRunResult {
  const invalid: DryRunResult["invalid"] = [];
  const compiled: CompiledPolicy[] = [];
  const objects: KubeObject[] = [];
  for (const d of docs) {
    if (d.apiVersion === "mcp.platform/v1" && d.kind === "ClusterPolicy") {
      const r = compilePolicy(d);
      if (r.policy) compiled.push(r.policy);
      else invalid.push({ policy: d.metadata.name ?? "", causes: r.causes });
    } else objects.push(d);
  }
  const namespaces = new Map(
    objects.filter((o) => o.kind === "Namespace").map((o) => [o.metadata.name ?? "", o]),
  );
  const index = new RuleIndex(compiled);
  const tenant = userTenant({ name: opts.user, groups: opts.groups }, (n) => namespaces.get(n));
  const rows: DryRunRow[] = [];
  const denied: string[] = [];
  for (const obj of objects) {
    const [group] = obj.apiVersion.includes("/") ? obj.apiVersion.split("/") : [""];
    const resource = pluralOf(obj.kind);
    const namespaced = !CLUSTER_SCOPED.has(obj.kind);
    const ns = namespaced ? (obj.metadata.namespace ?? "default") : "";
    const nsObject = namespaced ? namespaces.get(ns) : undefined;
    const isNamespace = group === "" && obj.kind === "Namespace";
    const rules = index.matching({
      group,
      kind: obj.kind,
      resource,
      namespaced,
      namespace: ns,
      name: obj.metadata.name ?? "",
      operation: opts.operation,
      labels: obj.metadata.labels ?? {},
      ...(opts.operation !== "CREATE" ? { oldLabels: obj.metadata.labels ?? {} } : {}),
      namespaceLabels: (isNamespace ? obj : nsObject)?.metadata.labels ?? {},
    });
    const ref = `${obj.kind.toLowerCase()}/${ns ? `${ns}/` : ""}${obj.metadata.name ?? ""}`;
    const outcomes = evaluateRules(rules, {
      ...(opts.operation !== "DELETE" ? { object: obj } : {}),
      ...(opts.operation !== "CREATE" ? { oldObject: obj } : {}),
      ...(nsObject ? { namespaceObject: nsObject } : {}),
      cluster: opts.clusters,
      request: {
        user: opts.user,
        groups: opts.groups,
        tenant,
        operation: opts.operation,
        namespace: ns,
        name: obj.metadata.name ?? "",
        kind: obj.kind,
        apiGroup: group,
        resource,
      },
    });
    const d = decide(outcomes);
    if (d.denied.length > 0) denied.push(ref);
    for (const o of outcomes) rows.push(row(ref, o, d.denied.includes(o)));
  }
  return { invalid, rows, denied, objects: objects.length, policies: compiled.length };
}

function row(object: string, o: RuleOutcome, denies: boolean): DryRunRow {
  const verdict =
    o.result === "pass"
      ? "pass"
      : o.result === "error"
        ? denies
          ? "deny (error)"
          : "error (ignored)"
        : o.rule.action;
  return {
    object,
    policy: o.rule.policy,
    rule: o.rule.name,
    action: o.rule.action,
    verdict,
    message: o.message,
  };
}
