// Evaluating compiled rules against one request (or one existing object, in an audit), and the
// decision they add up to. A rule's outcome is a violation (its condition is true), a pass, or an
// error (a CEL error, a non-bool result, the cost limit); failurePolicy turns errors into denials
// (Fail) or lets them pass (Ignore). Nothing here throws: every problem is an outcome.
import type { KubeObject } from "../apis/meta/types.ts";
import { Budget, type CostLimits, DEFAULT_COST_LIMITS } from "./budget.ts";
import type { Activation } from "./cel-env.ts";
import type { CompiledRule } from "./compile.ts";
import type { MatchOperation } from "./match.ts";
import { celToText, toCel } from "./values.ts";

export interface RuleOutcome {
  rule: CompiledRule;
  result: "violation" | "pass" | "error";
  /** What a user is told: the rule's message for a violation, what went wrong for an error. */
  message: string;
}

export interface RequestInfo {
  user: string;
  groups: readonly string[];
  tenant: string;
  operation: MatchOperation;
  namespace: string;
  name: string;
  kind: string;
  apiGroup: string;
  resource: string;
  subresource?: string;
}

export interface EvaluationInput {
  object?: KubeObject;
  oldObject?: KubeObject;
  namespaceObject?: KubeObject;
  request: RequestInfo;
  /**
   * Label maps of the clusters the object would go to. Computing them may cost (a placement
   * preview): callers check readsVariable(rules, "cluster") first.
   */
  cluster?: Record<string, string>[];
}

/** Whether any of the rules reads the variable. */
export function readsVariable(rules: readonly CompiledRule[], variable: string): boolean {
  return rules.some((r) => r.variables.has(variable));
}

/** The variables shared by every rule of one request, converted once. */
export function activationFor(input: EvaluationInput): Activation {
  return {
    object: input.object ? toCel(input.object) : null,
    oldObject: input.oldObject ? toCel(input.oldObject) : null,
    namespaceObject: input.namespaceObject ? toCel(input.namespaceObject) : null,
    request: {
      ...input.request,
      groups: [...input.request.groups],
      subresource: input.request.subresource ?? "",
    },
    cluster: input.cluster ?? [],
  };
}

export function evaluateRule(
  rule: CompiledRule,
  base: Activation,
  limits = DEFAULT_COST_LIMITS,
): RuleOutcome {
  const activation: Activation = { ...base, params: rule.params };
  const budget = new Budget(limits);
  let value: unknown;
  try {
    value = rule.condition.evaluate(activation, budget);
  } catch (e) {
    return errorOutcome(rule, budget.exceeded ? budget.describe() : describeError(e));
  }
  if (budget.exceeded) return errorOutcome(rule, budget.describe());
  if (typeof value !== "boolean")
    return errorOutcome(rule, `the condition evaluated to ${celToText(value)}, not a bool`);
  if (!value) return { rule, result: "pass", message: "" };
  return { rule, result: "violation", message: violationMessage(rule, activation, limits) };
}

function violationMessage(rule: CompiledRule, activation: Activation, limits: CostLimits): string {
  if (rule.messageExpression) {
    const budget = new Budget(limits);
    try {
      const text = rule.messageExpression.evaluate(activation, budget);
      if (!budget.exceeded && typeof text === "string" && text.trim() !== "") return text.trim();
    } catch {
      // The static message (or the condition) still says what failed.
    }
  }
  return rule.message?.trim() || `failed expression: ${rule.condition.source.trim()}`;
}

function errorOutcome(rule: CompiledRule, why: string): RuleOutcome {
  return { rule, result: "error", message: `the rule could not be evaluated: ${why}` };
}

function describeError(e: unknown): string {
  const err = e as { summary?: string; message?: string };
  return (err.summary ?? err.message ?? String(e)).split("\n")[0];
}

export interface RequestBudget {
  limits: CostLimits;
  /** All rules of one request together may take this long; the rest are errors. */
  maxTotalMillis: number;
}

export const DEFAULT_REQUEST_BUDGET: RequestBudget = { limits: DEFAULT_COST_LIMITS, maxTotalMillis: 250 };

/** Evaluates the rules in order within the request's total time budget. */
export function evaluateRules(
  rules: readonly CompiledRule[],
  input: EvaluationInput,
  budget: RequestBudget = DEFAULT_REQUEST_BUDGET,
): RuleOutcome[] {
  if (rules.length === 0) return [];
  const base = activationFor(input);
  const deadline = performance.now() + budget.maxTotalMillis;
  return rules.map((rule) =>
    performance.now() > deadline
      ? errorOutcome(rule, `the request's policy time budget (${budget.maxTotalMillis} ms) was spent`)
      : evaluateRule(rule, base, budget.limits),
  );
}

export interface Decision {
  /** Violations of deny rules, and errors of rules whose failurePolicy is Fail. */
  denied: RuleOutcome[];
  warned: RuleOutcome[];
  audited: RuleOutcome[];
  /** Errors of rules whose failurePolicy is Ignore. */
  ignored: RuleOutcome[];
}

export function decide(outcomes: readonly RuleOutcome[]): Decision {
  const d: Decision = { denied: [], warned: [], audited: [], ignored: [] };
  for (const o of outcomes) {
    if (o.result === "error") (o.rule.failurePolicy === "Fail" ? d.denied : d.ignored).push(o);
    else if (o.result === "violation")
      (o.rule.action === "deny" ? d.denied : o.rule.action === "warn" ? d.warned : d.audited).push(o);
  }
  return d;
}

/** `ClusterPolicy "p" rule "r": message`, the form users see in denials, warnings and reports. */
export function describeOutcome(o: RuleOutcome): string {
  return `ClusterPolicy "${o.rule.policy}" rule "${o.rule.name}": ${o.message}`;
}
