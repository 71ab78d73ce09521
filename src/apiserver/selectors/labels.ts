// Label selectors: the `?labelSelector=` string syntax and metav1.LabelSelector objects, both
// compiled to one LabelMatcher with the exact semantics of k8s.io/apimachinery/pkg/labels.
// The scheduler, policies and the list/watch handlers all match labels through this module.
import { errors } from "../errors.ts";
import { parseRequirements } from "./label-parser.ts";
import { aggregate, invalidValue, labelKeyErrors, labelValueErrors } from "./validation.ts";

/** selection.Operator values, spelled as Kubernetes spells them. */
export type LabelOperator = "in" | "notin" | "=" | "==" | "!=" | "exists" | "!" | "gt" | "lt";

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  readonly values: readonly string[];
}

/** metav1.LabelSelector, as it appears in Deployments, policies and Cluster placement. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: { key: string; operator: string; values?: string[] }[];
}

export type Labels = Readonly<Record<string, string>> | undefined | null;

export interface LabelMatcher {
  /** Sorted by key, as Kubernetes keeps them. */
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Labels): boolean;
  /** True when the matcher places no restriction (it matches everything). */
  empty(): boolean;
  /** The value a key must have, if the selector pins it (used to narrow index scans). */
  requiresExactMatch(key: string): string | undefined;
  toString(): string;
}

const INT64 = /^[+-]?[0-9]+$/;
const MIN_INT64 = -(2n ** 63n);
const MAX_INT64 = 2n ** 63n - 1n;

/** strconv.ParseInt(s, 10, 64); undefined when Go would return an error. */
function parseInt64(s: string): bigint | undefined {
  if (!INT64.test(s)) return undefined;
  const n = BigInt(s);
  return n < MIN_INT64 || n > MAX_INT64 ? undefined : n;
}

function requirementMatches(r: LabelRequirement, labels: Labels): boolean {
  const has = labels != null && Object.hasOwn(labels, r.key);
  const value = has ? labels[r.key] : undefined;
  switch (r.operator) {
    case "in":
    case "=":
    case "==":
      return value !== undefined && r.values.includes(value);
    case "notin":
    case "!=":
      return value === undefined || !r.values.includes(value);
    case "exists":
      return has;
    case "!":
      return !has;
    case "gt":
    case "lt": {
      if (value === undefined || r.values.length !== 1) return false;
      const actual = parseInt64(value);
      const bound = parseInt64(r.values[0]);
      if (actual === undefined || bound === undefined) return false;
      return r.operator === "gt" ? actual > bound : actual < bound;
    }
  }
}

const sortedCopy = (values: readonly string[]) => [...values].sort();

export function requirementToString(r: LabelRequirement): string {
  if (r.operator === "exists") return r.key;
  if (r.operator === "!") return `!${r.key}`;
  // Like Kubernetes, values print sorted without reordering the stored requirement.
  const values = r.values.length === 1 ? r.values[0] : sortedCopy(r.values).join(",");
  switch (r.operator) {
    case "in":
      return `${r.key} in (${values})`;
    case "notin":
      return `${r.key} notin (${values})`;
    case "gt":
      return `${r.key}>${values}`;
    case "lt":
      return `${r.key}<${values}`;
    default:
      return `${r.key}${r.operator}${values}`;
  }
}

function matcher(requirements: LabelRequirement[]): LabelMatcher {
  // A stable sort keeps the written order for repeated keys, where Go's order is unspecified.
  const reqs = [...requirements].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return {
    requirements: reqs,
    matches: (labels) => reqs.every((r) => requirementMatches(r, labels)),
    empty: () => reqs.length === 0,
    requiresExactMatch(key) {
      const r = reqs.find((x) => x.key === key);
      if (r?.values.length !== 1) return undefined;
      return r.operator === "=" || r.operator === "==" || r.operator === "in" ? r.values[0] : undefined;
    },
    toString: () => reqs.map(requirementToString).join(","),
  };
}

const EVERYTHING = matcher([]);

/** labels.Nothing(): what a nil metav1.LabelSelector means (e.g. a Service without a selector). */
const NOTHING: LabelMatcher = {
  requirements: [],
  matches: () => false,
  empty: () => false,
  requiresExactMatch: () => undefined,
  toString: () => "",
};

export const everything = (): LabelMatcher => EVERYTHING;
export const nothing = (): LabelMatcher => NOTHING;

/**
 * labels.NewRequirement: validates the key, the operator/value-count combination and every
 * value; returns the error message Kubernetes would give, or undefined when valid.
 */
export function requirementError(
  key: string,
  operator: LabelOperator,
  values: readonly string[],
): string | undefined {
  const errs: string[] = [];
  const keyErrs = labelKeyErrors(key);
  if (keyErrs.length > 0) errs.push(invalidValue("key", key, keyErrs.join("; ")));
  switch (operator) {
    case "in":
    case "notin":
      if (values.length === 0)
        errs.push(invalidValue("values", values, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case "=":
    case "==":
    case "!=":
      if (values.length !== 1)
        errs.push(invalidValue("values", values, "exact-match compatibility requires one single value"));
      break;
    case "exists":
    case "!":
      if (values.length !== 0)
        errs.push(invalidValue("values", values, "values set must be empty for exists and does not exist"));
      break;
    case "gt":
    case "lt":
      if (values.length !== 1)
        errs.push(invalidValue("values", values, "for 'Gt', 'Lt' operators, exactly one value is required"));
      values.forEach((v, i) => {
        if (parseInt64(v) === undefined)
          errs.push(
            invalidValue(`values[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"),
          );
      });
      break;
  }
  values.forEach((v, i) => {
    const valueErrs = labelValueErrors(v);
    if (valueErrs.length > 0) errs.push(invalidValue(`values[${i}][${key}]`, v, valueErrs.join("; ")));
  });
  return errs.length > 0 ? aggregate(errs) : undefined;
}

/**
 * Parses a label selector string (`a=b,c!=d,e in (f,g),!h,i`). Throws a BadRequest ApiError
 * with Kubernetes' message (`unable to parse requirement: ...`) when it is invalid.
 */
export function parseLabelSelector(input: string): LabelMatcher {
  const result = parseRequirements(input, requirementError);
  if (typeof result === "string") throw errors.badRequest(result);
  return result.length === 0 ? EVERYTHING : matcher(result);
}

const OPERATORS: Record<string, LabelOperator> = {
  In: "in",
  NotIn: "notin",
  Exists: "exists",
  DoesNotExist: "!",
};

/**
 * metav1.LabelSelectorAsSelector: undefined/null selects nothing, an empty selector selects
 * everything. Throws a BadRequest ApiError for an invalid selector.
 */
export function labelSelectorAsMatcher(selector: LabelSelector | null | undefined): LabelMatcher {
  if (selector == null) return NOTHING;
  const matchLabels = selector.matchLabels ?? {};
  const expressions = selector.matchExpressions ?? [];
  if (Object.keys(matchLabels).length + expressions.length === 0) return EVERYTHING;
  const reqs: LabelRequirement[] = [];
  const add = (key: string, operator: LabelOperator, values: string[]) => {
    const err = requirementError(key, operator, values);
    if (err) throw errors.badRequest(err);
    reqs.push({ key, operator, values });
  };
  for (const [k, v] of Object.entries(matchLabels)) add(k, "=", [v]);
  for (const e of expressions) {
    const op = Object.hasOwn(OPERATORS, e.operator) ? OPERATORS[e.operator] : undefined;
    if (!op) throw errors.badRequest(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
    add(e.key, op, [...(e.values ?? [])]);
  }
  return matcher(reqs);
}

/** labels.SelectorFromSet: every key must equal its value; an empty set matches everything. */
export function selectorFromSet(set: Readonly<Record<string, string>> | undefined | null): LabelMatcher {
  const entries = Object.entries(set ?? {});
  return entries.length === 0
    ? EVERYTHING
    : matcher(entries.map(([key, v]) => ({ key, operator: "=", values: [v] })));
}

/** metav1.FormatLabelSelector: the selector's string form, `<none>` when empty, `<error>` when invalid. */
export function formatLabelSelector(selector: LabelSelector | null | undefined): string {
  try {
    return labelSelectorAsMatcher(selector).toString() || "<none>";
  } catch {
    return "<error>";
  }
}

/** labels.FormatLabels: `k=v` pairs sorted by key, `<none>` when there are none. */
export function formatLabels(labels: Readonly<Record<string, string>> | undefined | null): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? "<none>" : keys.map((k) => `${k}=${labels?.[k]}`).join(",");
}
