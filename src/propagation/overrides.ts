// OverridePolicy / ClusterOverridePolicy → per-cluster changes to a rendered manifest
// (docs/propagation.md, "Work builder"). Which policies apply: ClusterOverridePolicies first, then
// the OverridePolicies of the manifest's namespace, each by name, whose resourceSelectors match
// the template (none: every template; matched as the scheduler matches, src/propagation/select.ts). Within a policy, rules run in order, each only for the
// clusters its targetCluster selects (none: every cluster); within a rule the overriders run as
// plaintext, image, command, args, env, labels, annotations.
//
// A rule that cannot apply (a JSON pointer to replace or remove that is not there, a label to
// replace that does not exist, ...) is an OverrideError naming the policy, the rule and the
// overrider; the caller reports it and keeps the cluster on what it had, rather than deliver a
// manifest missing a change someone asked for.
import type { Static } from "@sinclair/typebox";
import type { ClusterAffinity, ResourceSelector } from "../apis/mcp.platform/v1/common.ts";
import type { Overriders } from "../apis/mcp.platform/v1/override-policy.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import { applyJsonPatch } from "../apiserver/patch/json-patch.ts";
import { compileAffinity } from "./affinity.ts";
import { clusterView } from "./cluster-view.ts";
import { applyEnvOverrider, applyImageOverrider, applyListOverrider } from "./overrides-containers.ts";
import { selectorMatch } from "./select.ts";

export type OverridersSpec = Static<typeof Overriders>;
type Affinity = Static<typeof ClusterAffinity>;
type Selector = Static<typeof ResourceSelector>;

interface OverrideSpec {
  resourceSelectors?: Selector[];
  overrideRules?: { targetCluster?: Affinity; overriders: OverridersSpec }[];
}

export class OverrideError extends Error {
  /** "OverridePolicy shop/name" or "ClusterOverridePolicy name". */
  readonly policy: string;
  readonly rule: number;

  constructor(policy: string, rule: number, message: string) {
    super(`${policy} rule ${rule}: ${message}`);
    this.name = "OverrideError";
    this.policy = policy;
    this.rule = rule;
  }
}

export function policyName(p: KubeObject): string {
  return p.kind === "OverridePolicy"
    ? `${p.kind} ${p.metadata.namespace}/${p.metadata.name}`
    : `${p.kind} ${p.metadata.name}`;
}

const specOf = (p: KubeObject) => (p.spec ?? {}) as OverrideSpec;

/** Whether the policy selects this template (an OverridePolicy only in its own namespace). */
export function policySelects(p: KubeObject, template: KubeObject): boolean {
  const namespaced = p.kind === "OverridePolicy";
  if (namespaced && template.metadata.namespace !== p.metadata.namespace) return false;
  const selectors = specOf(p).resourceSelectors ?? [];
  if (selectors.length === 0) return true;
  // An invalid label selector selects nothing (as for propagation policies).
  return selectors.some(
    (s) =>
      selectorMatch(namespaced ? { ...s, namespace: s.namespace ?? p.metadata.namespace } : s, template) > 0,
  );
}

/** The policies that apply to a template, in the order they run. */
export function applicablePolicies(policies: readonly KubeObject[], template: KubeObject): KubeObject[] {
  const rank = (p: KubeObject) => (p.kind === "ClusterOverridePolicy" ? 0 : 1);
  return policies
    .filter((p) => !p.metadata.deletionTimestamp && policySelects(p, template))
    .sort(
      (a, b) =>
        rank(a) - rank(b) ||
        (a.metadata.name! < b.metadata.name! ? -1 : a.metadata.name! > b.metadata.name! ? 1 : 0),
    );
}

/**
 * The manifest with every applicable rule for `cluster` applied (a new object; the input is left
 * as it was). `policies` may hold any override policies: they are filtered and ordered here.
 * Throws OverrideError.
 */
export function applyOverrides(
  manifest: KubeObject,
  cluster: KubeObject,
  policies: readonly KubeObject[],
): KubeObject {
  let m = structuredClone(manifest);
  const view = clusterView(cluster);
  for (const p of applicablePolicies(policies, manifest)) {
    const rules = specOf(p).overrideRules ?? [];
    rules.forEach((rule, i) => {
      try {
        if (rule.targetCluster && !compileAffinity(rule.targetCluster)(view)) return;
        m = applyRule(m, rule.overriders);
      } catch (e) {
        throw new OverrideError(policyName(p), i, (e as Error).message);
      }
    });
  }
  return m;
}

/** One rule's overriders on a copy: all of them or, when one fails, none. */
export function applyRule(manifest: KubeObject, o: OverridersSpec): KubeObject {
  let m = structuredClone(manifest);
  (o.plaintext ?? []).forEach((p, i) => {
    try {
      m = applyJsonPatch(m, [
        { op: p.operator, path: p.path, ...(p.operator === "remove" ? {} : { value: p.value }) },
      ]);
    } catch (e) {
      const why = (e as Error).message.replace(/^.*failed: /, "");
      throw new Error(`plaintext[${i}] ${p.operator} ${p.path}: ${why}`);
    }
  });
  step("imageOverrider", o.imageOverrider, (x) => applyImageOverrider(m, x));
  step("commandOverrider", o.commandOverrider, (x) => applyListOverrider(m, "command", x));
  step("argsOverrider", o.argsOverrider, (x) => applyListOverrider(m, "args", x));
  step("envOverrider", o.envOverrider, (x) => applyEnvOverrider(m, x));
  step("labelsOverrider", o.labelsOverrider, (x) => {
    m.metadata.labels = overrideMap(m.metadata.labels, x, "label");
  });
  step("annotationsOverrider", o.annotationsOverrider, (x) => {
    m.metadata.annotations = overrideMap(m.metadata.annotations, x, "annotation");
  });
  return m;
}

function step<T>(name: string, list: T[] | undefined, fn: (x: T) => void): void {
  (list ?? []).forEach((x, i) => {
    try {
      fn(x);
    } catch (e) {
      throw new Error(`${name}[${i}]: ${(e as Error).message}`);
    }
  });
}

function overrideMap(
  current: Record<string, string> | undefined,
  o: { operator: "add" | "remove" | "replace"; value?: Record<string, string> },
  what: string,
): Record<string, string> | undefined {
  const next = { ...current };
  for (const [k, v] of Object.entries(o.value ?? {})) {
    if (o.operator === "remove") delete next[k];
    else if (o.operator === "replace" && !Object.hasOwn(next, k))
      throw new Error(`there is no ${what} "${k}" to replace`);
    else next[k] = v;
  }
  return Object.keys(next).length ? next : undefined;
}
