// Which objects and operations a rule applies to, with Kubernetes' admission-rule semantics:
// apiGroups, kinds and resources (plural names, `*` for any), namespaces, namespaceSelector (for
// a Namespace its own labels; cluster-scoped objects always pass), objectSelector (the object's
// or the old object's labels), operations (default CREATE and UPDATE). Member audits evaluate
// existing objects as operation AUDIT, which every rule that covers CREATE or UPDATE takes part in.
import type { LabelMatcher } from "../apiserver/selectors/labels.ts";

export type PolicyOperation = "CREATE" | "UPDATE" | "DELETE";
export type MatchOperation = PolicyOperation | "AUDIT";

export interface CompiledMatch {
  apiGroups?: ReadonlySet<string>;
  kinds?: ReadonlySet<string>;
  resources?: ReadonlySet<string>;
  namespaces?: ReadonlySet<string>;
  namespaceSelector?: LabelMatcher;
  objectSelector?: LabelMatcher;
  operations: ReadonlySet<PolicyOperation>;
}

export interface MatchTarget {
  group: string;
  kind: string;
  /** Plural resource name, e.g. "deployments". */
  resource: string;
  namespaced: boolean;
  /** The object's namespace ("" for cluster-scoped objects). */
  namespace: string;
  name: string;
  operation: MatchOperation;
  labels?: Readonly<Record<string, string>>;
  oldLabels?: Readonly<Record<string, string>>;
  /** Labels of the object's Namespace ({} when it is not known). */
  namespaceLabels?: Readonly<Record<string, string>>;
}

export const DEFAULT_OPERATIONS: readonly PolicyOperation[] = ["CREATE", "UPDATE"];

const anyOf = (set: ReadonlySet<string> | undefined, value: string) =>
  set === undefined || set.has("*") || set.has(value);

export function matches(m: CompiledMatch, t: MatchTarget): boolean {
  if (t.operation === "AUDIT") {
    if (!m.operations.has("CREATE") && !m.operations.has("UPDATE")) return false;
  } else if (!m.operations.has(t.operation)) return false;
  if (!anyOf(m.apiGroups, t.group) || !anyOf(m.kinds, t.kind) || !anyOf(m.resources, t.resource))
    return false;
  const isNamespace = t.group === "" && t.resource === "namespaces";
  if (m.namespaces) {
    const ns = isNamespace ? t.name : t.namespace;
    if (!ns || !anyOf(m.namespaces, ns)) return false;
  }
  if (m.namespaceSelector) {
    const labels = isNamespace
      ? (t.labels ?? t.oldLabels ?? {})
      : t.namespaced
        ? t.namespaceLabels
        : undefined;
    if (labels !== undefined && !m.namespaceSelector.matches(labels)) return false;
  }
  if (m.objectSelector) {
    const now = t.labels !== undefined && m.objectSelector.matches(t.labels);
    const before = t.oldLabels !== undefined && m.objectSelector.matches(t.oldLabels);
    if (!now && !before) return false;
  }
  return true;
}

/**
 * The keys a rule is filed under for lookup by kind: its kinds and resources, or "*" when it
 * names neither (or names a wildcard).
 */
export function indexKeys(m: CompiledMatch): string[] {
  const keys: string[] = [];
  if (m.kinds && !m.kinds.has("*")) keys.push(...[...m.kinds].map((k) => `kind:${k}`));
  else if (m.resources && !m.resources.has("*")) keys.push(...[...m.resources].map((r) => `resource:${r}`));
  else keys.push("*");
  return keys;
}

/** The index keys an object is looked up by. */
export function lookupKeys(t: Pick<MatchTarget, "kind" | "resource">): string[] {
  return [`kind:${t.kind}`, `resource:${t.resource}`, "*"];
}
