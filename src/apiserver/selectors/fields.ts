// Field selectors (`?fieldSelector=metadata.name=x,status.phase!=Running`) with the syntax and
// semantics of k8s.io/apimachinery/pkg/fields: terms split on unescaped commas, `=`/`==`/`!=`,
// backslash escapes in values, and every value compared as a string. Which fields a resource
// supports is the caller's allow-list; metadata.name and metadata.namespace always are.
import { errors } from "../errors.ts";

export type FieldOperator = "=" | "==" | "!=";

export interface FieldRequirement {
  readonly field: string;
  readonly operator: FieldOperator;
  readonly value: string;
}

export interface FieldMatcher {
  /** Sorted as Kubernetes sorts the terms (by their text). */
  readonly requirements: readonly FieldRequirement[];
  matches(obj: unknown): boolean;
  empty(): boolean;
  /** The value a field must have, if the selector pins it (e.g. metadata.name for a get-like list). */
  requiresExactMatch(field: string): string | undefined;
  toString(): string;
}

export interface FieldSelectorOptions {
  /** Field labels the resource supports besides metadata.name and metadata.namespace. */
  supported?: readonly string[];
}

const ALWAYS_SUPPORTED = ["metadata.name", "metadata.namespace"];

type Getter = (obj: unknown) => string;

/** Reads a dotted path; scalars become strings as Go's strconv would print them, anything else "". */
export function fieldValue(obj: unknown, path: string): string {
  let cur: unknown = obj;
  for (const part of path.split(".")) {
    if (typeof cur !== "object" || cur === null || Array.isArray(cur)) return "";
    cur = (cur as Record<string, unknown>)[part];
  }
  if (typeof cur === "string") return cur;
  if (typeof cur === "number" || typeof cur === "boolean") return String(cur);
  return "";
}

const withDefault =
  (path: string, missing: string): Getter =>
  (obj) =>
    fieldValue(obj, path) || missing;

/**
 * Field labels whose value is not simply the dotted path: Kubernetes computes them from the
 * typed (defaulted) object, so a missing boolean reads "false" and a missing count "0".
 */
const SPECIAL_FIELDS: Record<string, Getter> = {
  "spec.unschedulable": withDefault("spec.unschedulable", "false"),
  "spec.hostNetwork": withDefault("spec.hostNetwork", "false"),
  "status.replicas": withDefault("status.replicas", "0"),
  "status.successful": withDefault("status.succeeded", "0"),
  // Events: `source` falls back to the new API's reportingController.
  source: (obj) => fieldValue(obj, "source.component") || fieldValue(obj, "reportingController"),
  reportingComponent: (obj) => fieldValue(obj, "reportingController"),
};

const getterFor = (field: string): Getter =>
  Object.hasOwn(SPECIAL_FIELDS, field) ? SPECIAL_FIELDS[field] : (obj) => fieldValue(obj, field);

/** Splits on commas that are not backslash-escaped; escapes stay in place for unescapeValue. */
function splitTerms(selector: string): string[] {
  if (selector.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < selector.length; i++) {
    const c = selector[i];
    if (inSlash) inSlash = false;
    else if (c === "\\") inSlash = true;
    else if (c === ",") {
      terms.push(selector.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(selector.slice(start));
  return terms;
}

const TERM_OPERATORS: FieldOperator[] = ["!=", "==", "="];

/** The first operator occurrence splits the term; the field side has no escaping. */
function splitTerm(term: string): FieldRequirement | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i))
        return { field: term.slice(0, i), operator: op, value: term.slice(i + op.length) };
    }
  }
  return undefined;
}

function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = "";
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c !== "\\" && c !== "," && c !== "=")
        throw errors.badRequest(`invalid field selector: invalid escape sequence: \\${c}`);
      out += c;
      inSlash = false;
    } else if (c === "\\") {
      inSlash = true;
    } else if (c === "," || c === "=") {
      // Go prints the rune with %v, i.e. as its code point number.
      throw errors.badRequest(`invalid field selector: unescaped character in value: ${c.codePointAt(0)}`);
    } else {
      out += c;
    }
  }
  if (inSlash) throw errors.badRequest("invalid field selector: invalid escape sequence: \\");
  return out;
}

// Go's sort.Strings orders by bytes; for these ASCII-dominated strings code units agree.
const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Parses a field selector and checks every field against the allow-list. Throws a BadRequest
 * ApiError for syntax errors and for `field label not supported: X`.
 */
export function parseFieldSelector(input: string, options: FieldSelectorOptions = {}): FieldMatcher {
  const reqs: FieldRequirement[] = [];
  for (const part of splitTerms(input).sort(byText)) {
    if (part === "") continue;
    const term = splitTerm(part);
    if (!term) throw errors.badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    reqs.push({ ...term, value: unescapeValue(term.value) });
  }
  const supported = new Set([...ALWAYS_SUPPORTED, ...(options.supported ?? [])]);
  for (const r of reqs) {
    if (!supported.has(r.field)) throw errors.badRequest(`field label not supported: ${r.field}`);
  }
  const getters = reqs.map((r) => getterFor(r.field));
  return {
    requirements: reqs,
    matches: (obj) => reqs.every((r, i) => (getters[i](obj) === r.value) === (r.operator !== "!=")),
    empty: () => reqs.length === 0,
    requiresExactMatch: (field) => reqs.find((r) => r.field === field && r.operator !== "!=")?.value,
    toString: () => reqs.map((r) => `${r.field}${r.operator === "!=" ? "!=" : "="}${r.value}`).join(","),
  };
}
