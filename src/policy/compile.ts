// A ClusterPolicy compiled for evaluation: each rule's match made into sets and label matchers,
// its condition (CEL or a built-in name) and messageExpression compiled, its params merged and
// converted to CEL values. Problems come back as field causes (spec.rules[i].condition, with the
// line and column in the message), which the hub turns into a 422 when the policy is written and
// `mcpctl policy test` prints. PolicyCompiler caches by uid, generation and spec.
import type { KubeObject } from "../apis/meta/types.ts";
import type { StatusCause } from "../apiserver/errors.ts";
import { type LabelMatcher, labelSelectorAsMatcher } from "../apiserver/selectors/labels.ts";
import { BUILTIN_NAME, builtinConditions, compiledBuiltin } from "./builtins.ts";
import { type CompiledExpression, CompileError, compileExpression } from "./cel-env.ts";
import { type CompiledMatch, DEFAULT_OPERATIONS, type PolicyOperation } from "./match.ts";
import type {
  ClusterPolicySpec,
  FailurePolicy,
  PolicyAction,
  PolicyMatchSpec,
  PolicyRuleSpec,
} from "./policy-types.ts";
import { toCel } from "./values.ts";

export interface CompiledRule {
  policy: string;
  index: number;
  /** The rule's name, else the built-in condition's, else `rule-<index>`. */
  name: string;
  action: PolicyAction;
  failurePolicy: FailurePolicy;
  match: CompiledMatch;
  condition: CompiledExpression;
  /** The built-in condition it names, if any. */
  builtin?: string;
  message?: string;
  messageExpression?: CompiledExpression;
  /** The merged params, as CEL values. */
  params: Record<string, unknown>;
  /** Variables the condition or message read. */
  variables: ReadonlySet<string>;
}

export interface CompiledPolicy {
  name: string;
  uid: string;
  generation: number;
  failurePolicy: FailurePolicy;
  rules: CompiledRule[];
  /** Undefined: every cluster. */
  clusterSelector?: LabelMatcher;
  auditInMembers: boolean;
}

export type CompileResult =
  | { policy: CompiledPolicy; causes?: undefined }
  | { policy?: undefined; causes: StatusCause[] };

export function compilePolicy(obj: KubeObject): CompileResult {
  const spec = (obj.spec ?? {}) as ClusterPolicySpec;
  const name = obj.metadata.name ?? "";
  const causes: StatusCause[] = [];
  const failurePolicy: FailurePolicy = spec.failurePolicy === "Ignore" ? "Ignore" : "Fail";
  const rules: CompiledRule[] = [];
  (spec.rules ?? []).forEach((r, i) => {
    const rule = compileRule(name, spec, r, i, failurePolicy, causes);
    if (rule) rules.push(rule);
  });
  const clusterSelector = selector(spec.clusterSelector, "spec.clusterSelector", causes);
  if (causes.length > 0) return { causes };
  return {
    policy: {
      name,
      uid: obj.metadata.uid ?? name,
      generation: obj.metadata.generation ?? 0,
      failurePolicy,
      rules,
      ...(clusterSelector ? { clusterSelector } : {}),
      auditInMembers: spec.auditInMembers !== false,
    },
  };
}

function compileRule(
  policy: string,
  spec: ClusterPolicySpec,
  r: PolicyRuleSpec,
  index: number,
  failurePolicy: FailurePolicy,
  causes: StatusCause[],
): CompiledRule | undefined {
  const at = `spec.rules[${index}]`;
  const before = causes.length;
  const builtin = BUILTIN_NAME.test(r.condition.trim()) ? r.condition.trim() : undefined;
  const def = builtin ? builtinConditions().get(builtin) : undefined;
  let condition: CompiledExpression | undefined;
  let messageExpression: CompiledExpression | undefined;
  const params = { ...(spec.params ?? {}), ...(r.params ?? {}) };
  if (builtin && !def) {
    causes.push(invalid(`${at}.condition`, r.condition, unknownBuiltin(builtin)));
  } else if (def) {
    const c = compiledBuiltin(def.name);
    condition = c.condition;
    messageExpression = c.message;
    for (const [p, what] of Object.entries(def.params ?? {}))
      if (params[p] === undefined)
        causes.push({
          reason: "FieldValueRequired",
          field: `${at}.params.${p}`,
          message: `Required value: condition ${def.name} needs params.${p} (${what}), in the rule or the policy`,
        });
  } else {
    condition = expression(r.condition, "bool", `${at}.condition`, causes);
  }
  if (r.messageExpression !== undefined)
    messageExpression = expression(r.messageExpression, "string", `${at}.messageExpression`, causes);
  const match = compileMatch(r, def?.match, at, causes);
  if (causes.length > before || !condition || !match) return undefined;
  const variables = new Set([...condition.variables, ...(messageExpression?.variables ?? [])]);
  return {
    policy,
    index,
    name: r.name || builtin || `rule-${index}`,
    action: r.action,
    failurePolicy,
    match,
    condition,
    ...(builtin ? { builtin } : {}),
    ...(r.message !== undefined ? { message: r.message } : def ? { message: def.description } : {}),
    ...(messageExpression ? { messageExpression } : {}),
    params: toCel(params) as Record<string, unknown>,
    variables,
  };
}

function unknownBuiltin(name: string): string {
  return `there is no built-in condition "${name}" (built-ins: ${[...builtinConditions().keys()].join(", ")})`;
}

function expression(
  source: string,
  expect: "bool" | "string",
  field: string,
  causes: StatusCause[],
): CompiledExpression | undefined {
  try {
    return compileExpression(source, expect);
  } catch (e) {
    if (!(e instanceof CompileError)) throw e;
    causes.push(invalid(field, source, `CEL compile error at ${e.message}`));
    return undefined;
  }
}

function compileMatch(
  r: PolicyRuleSpec,
  fallback: PolicyMatchSpec | undefined,
  at: string,
  causes: StatusCause[],
): CompiledMatch | undefined {
  const own = r.match !== undefined || r.resource !== undefined;
  const m: PolicyMatchSpec = own ? (r.match ?? {}) : (fallback ?? {});
  const field = own ? `${at}.match` : `${at}.condition`;
  const resources = [...(m.resources ?? []), ...(own && r.resource ? [r.resource] : [])];
  const ops: readonly string[] = m.operations?.length ? m.operations : DEFAULT_OPERATIONS;
  const operations = new Set<PolicyOperation>(
    ops.includes("*") ? ["CREATE", "UPDATE", "DELETE"] : (ops as PolicyOperation[]),
  );
  const namespaceSelector = selector(m.namespaceSelector, `${field}.namespaceSelector`, causes);
  const objectSelector = selector(m.objectSelector, `${field}.objectSelector`, causes);
  if (causes.length > 0) return undefined;
  const set = (xs: string[] | undefined) => (xs && xs.length > 0 ? new Set(xs) : undefined);
  return {
    ...(set(m.apiGroups) ? { apiGroups: set(m.apiGroups) } : {}),
    ...(set(m.kinds) ? { kinds: set(m.kinds) } : {}),
    ...(set(resources.map((x) => x.toLowerCase()))
      ? { resources: set(resources.map((x) => x.toLowerCase())) }
      : {}),
    ...(set(m.namespaces) ? { namespaces: set(m.namespaces) } : {}),
    ...(namespaceSelector ? { namespaceSelector } : {}),
    ...(objectSelector ? { objectSelector } : {}),
    operations,
  };
}

function selector(
  s: Parameters<typeof labelSelectorAsMatcher>[0] | undefined,
  field: string,
  causes: StatusCause[],
): LabelMatcher | undefined {
  if (s === undefined) return undefined;
  try {
    return labelSelectorAsMatcher(s);
  } catch (e) {
    causes.push({ reason: "FieldValueInvalid", field, message: `Invalid value: ${(e as Error).message}` });
    return undefined;
  }
}

function invalid(field: string, value: string, why: string): StatusCause {
  const shown = value.length > 80 ? `${value.slice(0, 77)}...` : value;
  return { reason: "FieldValueInvalid", field, message: `Invalid value: ${JSON.stringify(shown)}: ${why}` };
}

/**
 * Compiles each policy version once: entries are keyed by uid, and reused only for the same
 * generation and the same spec (two concurrent writers may both produce generation N+1).
 */
export class PolicyCompiler {
  private readonly cache = new Map<string, { generation: number; spec: string; result: CompileResult }>();

  compile(obj: KubeObject): CompileResult {
    const uid = obj.metadata.uid ?? obj.metadata.name ?? "";
    const generation = obj.metadata.generation ?? 0;
    const spec = JSON.stringify(obj.spec ?? null);
    const hit = this.cache.get(uid);
    if (hit && hit.generation === generation && hit.spec === spec) return hit.result;
    const result = compilePolicy(obj);
    this.cache.set(uid, { generation, spec, result });
    return result;
  }

  forget(uid: string): void {
    this.cache.delete(uid);
  }
}
