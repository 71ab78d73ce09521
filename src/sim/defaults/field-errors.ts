// How kube-apiserver words a field error (apimachinery's field.Error, as a Status cause): the
// reason, the field path, and a message of the error type plus the bad value and a detail —
// "Invalid value: <value>: field is immutable", "Forbidden: <detail>". The bad value is printed
// as the release the cluster simulates prints it: Go's %#v before 1.34, JSON since (kubernetes
// PR #132314). Also the comparisons the update rules need: apimachinery's semantic equality
// (nil, empty and zero are the same) and a short diff of two specs for the Forbidden messages.
import type { StatusCause } from "../../apiserver/errors.ts";
import { isRec, type Rec } from "./util.ts";

/** The Kubernetes release a cluster simulates, as far as its validation messages differ. */
export interface Release {
  minor: number;
}

/** The release of a version such as "v1.29.4" (only 1.x exists). */
export function releaseOf(kubernetesVersion: string): Release {
  const m = /^v?1\.(\d+)/.exec(kubernetesVersion);
  if (!m) throw new Error(`not a Kubernetes 1.x version: ${kubernetesVersion}`);
  return { minor: Number(m[1]) };
}

/** apimachinery's FieldImmutableErrorMsg. */
export const FIELD_IS_IMMUTABLE = "field is immutable";

export const invalid = (field: string, value: string, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  field,
  message: `Invalid value: ${value}: ${detail}`,
});

export const forbidden = (field: string, detail: string): StatusCause => ({
  reason: "FieldValueForbidden",
  field,
  message: `Forbidden: ${detail}`,
});

export const required = (field: string): StatusCause => ({
  reason: "FieldValueRequired",
  field,
  message: "Required value",
});

/** encoding/json's output: HTML-sensitive characters escaped, as json.Marshal does. */
export function goJson(v: unknown): string {
  return JSON.stringify(v ?? null)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Go's %q of a string (JSON's quoting matches it for everything a Kubernetes field holds). */
const goQuote = (s: unknown) => JSON.stringify(String(s ?? ""));

/** How one release prints a composite bad value: Go syntax (%#v) before 1.34, JSON since. */
export interface ValueForms {
  go(v: unknown): string;
  /** The value as Go would marshal it (struct field order, omitempty); the value itself if absent. */
  json?(v: unknown): unknown;
}

/**
 * The bad value of a FieldValueInvalid cause as field.Error.ErrorBody prints it: strings quoted,
 * numbers and booleans bare, a nil pointer "null" (the quoted string before 1.34, which is what
 * Go printed), anything else in the release's composite form.
 */
export function shown(r: Release, v: unknown, forms?: ValueForms): string {
  const json = r.minor >= 34;
  if (v === undefined || v === null) return json ? "null" : '"null"';
  if (typeof v === "string") return JSON.stringify(v);
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  if (!json && forms) return forms.go(v);
  return goJson(forms?.json ? forms.json(v) : v);
}

/** A map[string]string: %#v lists it sorted, JSON marshals it sorted. */
export const stringMap: ValueForms = {
  go: (v) => goStringMap(v),
  json: (v) => sortedMap(v),
};

function sortedMap(v: unknown): Rec | undefined {
  if (!isRec(v)) return undefined;
  return Object.fromEntries(
    Object.keys(v)
      .sort()
      .map((k) => [k, v[k]]),
  );
}

function goStringMap(v: unknown): string {
  if (!isRec(v)) return "map[string]string(nil)";
  const entries = Object.keys(v)
    .sort()
    .map((k) => `${goQuote(k)}:${goQuote(v[k])}`);
  return `map[string]string{${entries.join(", ")}}`;
}

function goStringSlice(v: unknown): string {
  if (!Array.isArray(v)) return "[]string(nil)";
  return `[]string{${v.map(goQuote).join(", ")}}`;
}

/** metav1.LabelSelector: v1.LabelSelector{MatchLabels:..., MatchExpressions:...} or its JSON. */
export const labelSelector: ValueForms = {
  go(v) {
    const sel = isRec(v) ? v : {};
    const exprs = Array.isArray(sel.matchExpressions)
      ? `[]v1.LabelSelectorRequirement{${sel.matchExpressions
          .map((e) => {
            const r = isRec(e) ? e : {};
            return `v1.LabelSelectorRequirement{Key:${goQuote(r.key)}, Operator:${goQuote(r.operator)}, Values:${goStringSlice(r.values)}}`;
          })
          .join(", ")}}`
      : "[]v1.LabelSelectorRequirement(nil)";
    return `v1.LabelSelector{MatchLabels:${goStringMap(sel.matchLabels)}, MatchExpressions:${exprs}}`;
  },
  json(v) {
    const sel = isRec(v) ? v : {};
    const out: Rec = {};
    if (isRec(sel.matchLabels) && Object.keys(sel.matchLabels).length > 0)
      out.matchLabels = sortedMap(sel.matchLabels);
    if (Array.isArray(sel.matchExpressions) && sel.matchExpressions.length > 0)
      out.matchExpressions = sel.matchExpressions.map((e) => {
        const r = isRec(e) ? e : {};
        const values = Array.isArray(r.values) && r.values.length > 0 ? { values: r.values } : {};
        return { key: r.key ?? "", operator: r.operator ?? "", ...values };
      });
    return out;
  },
};

/** The internal rbac.RoleRef (no JSON tags, so even its JSON uses the Go field names). */
export const roleRef: ValueForms = {
  go(v) {
    const r = isRec(v) ? v : {};
    return `rbac.RoleRef{APIGroup:${goQuote(r.apiGroup)}, Kind:${goQuote(r.kind)}, Name:${goQuote(r.name)}}`;
  },
  json(v) {
    const r = isRec(v) ? v : {};
    return { APIGroup: r.apiGroup ?? "", Kind: r.kind ?? "", Name: r.name ?? "" };
  },
};

/** The zero value of any Go type as JSON shows it: absent, null, "", 0, false, [] or {} of zeros. */
export function isZero(v: unknown): boolean {
  if (v === undefined || v === null || v === "" || v === 0 || v === false) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (isRec(v)) return Object.values(v).every(isZero);
  return false;
}

/**
 * apimachinery's Semantic.DeepEqual over JSON: nil and empty slices and maps are equal, and so
 * (since JSON cannot tell a pointer from a value here) is any zero value and an absent field.
 */
export function same(a: unknown, b: unknown): boolean {
  if (a === b || (isZero(a) && isZero(b))) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => same(x, b[i]));
  }
  if (isRec(a) && isRec(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) if (!same(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

/** reflect.DeepEqual of two string maps (ConfigMap and Secret data): every key and value counts. */
export function sameMap(a: unknown, b: unknown): boolean {
  const x = isRec(a) ? a : {};
  const y = isRec(b) ? b : {};
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => k in y && x[k] === y[k]);
}

/** A pointer to a scalar (*int32, *string): nil differs from zero. */
export const sameScalar = (a: unknown, b: unknown) => (a ?? null) === (b ?? null);

const goName = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);

/**
 * The diff kube-apiserver appends to a Forbidden spec change (go-cmp's, of the internal type),
 * in its shape: the changed fields of `typeName` before (-) and after (+), the rest counted.
 * go-cmp's own output is deliberately unstable, so only the shape is kept; values are JSON.
 */
export function specDiff(typeName: string, before: Rec, after: Rec): string {
  const lines = [`  ${typeName}{`];
  let identical = 0;
  const flush = () => {
    if (identical > 0) lines.push(`  \t... // ${identical} identical field${identical === 1 ? "" : "s"}`);
    identical = 0;
  };
  for (const k of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (same(before[k], after[k])) {
      identical++;
      continue;
    }
    flush();
    const show = (v: unknown) => (v === undefined || v === null ? "nil" : goJson(v));
    lines.push(`- \t${goName(k)}: ${show(before[k])},`, `+ \t${goName(k)}: ${show(after[k])},`);
  }
  flush();
  lines.push("  }");
  return lines.join("\n");
}
