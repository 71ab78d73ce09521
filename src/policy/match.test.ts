// Rule matching with Kubernetes' admission semantics, and the by-kind index the hub looks rules
// up in.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { type CompiledPolicy, compilePolicy } from "./compile.ts";
import { type MatchTarget, matches } from "./match.ts";
import { RuleIndex } from "./rule-index.ts";

function policy(name: string, rules: object[]): CompiledPolicy {
  const obj: KubeObject = {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPolicy",
    metadata: { name },
    spec: { rules },
  };
  const r = compilePolicy(obj);
  assert.ok(r.policy, JSON.stringify(r.causes));
  return r.policy;
}

const rule = (match: object, extra: object = {}) =>
  policy("p", [{ action: "deny", condition: "true", match, ...extra }]).rules[0];

const target = (t: Partial<MatchTarget> = {}): MatchTarget => ({
  group: "apps",
  kind: "Deployment",
  resource: "deployments",
  namespaced: true,
  namespace: "shop",
  name: "web",
  operation: "CREATE",
  labels: { app: "web" },
  namespaceLabels: { env: "prod" },
  ...t,
});

test("groups, kinds and resources: listed values or *", () => {
  assert.ok(matches(rule({ apiGroups: ["apps"], kinds: ["Deployment"] }).match, target()));
  assert.ok(!matches(rule({ apiGroups: [""] }).match, target()));
  assert.ok(matches(rule({ resources: ["*"] }).match, target()));
  assert.ok(!matches(rule({ resources: ["statefulsets"] }).match, target()));
  // The seed's shorthand, `resource: namespaces`.
  const seed = policy("p", [{ action: "deny", resource: "namespaces", condition: "true" }]).rules[0];
  assert.ok(
    matches(
      seed.match,
      target({ group: "", kind: "Namespace", resource: "namespaces", namespaced: false, namespace: "" }),
    ),
  );
  assert.ok(!matches(seed.match, target()));
});

test("operations default to CREATE and UPDATE; audits take part when those are covered", () => {
  const m = rule({}).match;
  assert.ok(matches(m, target({ operation: "UPDATE" })));
  assert.ok(!matches(m, target({ operation: "DELETE" })));
  assert.ok(matches(m, target({ operation: "AUDIT" })));
  const del = rule({ operations: ["DELETE"] }).match;
  assert.ok(matches(del, target({ operation: "DELETE" })) && !matches(del, target({ operation: "AUDIT" })));
  assert.ok(matches(rule({ operations: ["*"] }).match, target({ operation: "DELETE" })));
});

test("namespaces and namespaceSelector; a Namespace is judged by its own name and labels", () => {
  assert.ok(matches(rule({ namespaces: ["shop"] }).match, target()));
  assert.ok(!matches(rule({ namespaces: ["other"] }).match, target()));
  const sel = rule({ namespaceSelector: { matchLabels: { env: "prod" } } }).match;
  assert.ok(matches(sel, target()));
  assert.ok(!matches(sel, target({ namespaceLabels: { env: "dev" } })));
  const nsTarget = target({
    group: "",
    kind: "Namespace",
    resource: "namespaces",
    namespaced: false,
    namespace: "",
    name: "shop",
    labels: { env: "prod" },
  });
  assert.ok(matches(sel, nsTarget));
  assert.ok(matches(rule({ namespaces: ["shop"] }).match, nsTarget));
  // Other cluster-scoped objects are not filtered by a namespaceSelector (as in Kubernetes).
  assert.ok(
    matches(sel, target({ group: "", kind: "Node", resource: "nodes", namespaced: false, namespace: "" })),
  );
});

test("objectSelector looks at the new or the old labels", () => {
  const m = rule({ objectSelector: { matchLabels: { app: "web" } } }).match;
  assert.ok(matches(m, target()));
  assert.ok(matches(m, target({ labels: {}, oldLabels: { app: "web" } })));
  assert.ok(!matches(m, target({ labels: { app: "db" } })));
});

test("the index files rules by kind or resource and keeps policy and rule order", () => {
  const a = policy("a", [
    { action: "deny", condition: "true", match: { kinds: ["Deployment"] } },
    { action: "warn", condition: "true", match: { resources: ["configmaps"] } },
  ]);
  const b = policy("b", [{ action: "audit", condition: "true" }]);
  const idx = new RuleIndex([b, a]);
  assert.equal(idx.ruleCount, 3);
  const names = (t: MatchTarget) => idx.matching(t).map((r) => `${r.policy}/${r.index}`);
  assert.deepEqual(names(target()), ["a/0", "b/0"]);
  assert.deepEqual(names(target({ group: "", kind: "ConfigMap", resource: "configmaps" })), ["a/1", "b/0"]);
  assert.deepEqual(
    idx.candidates({ kind: "Secret", resource: "secrets" }).map((r) => r.policy),
    ["b"],
  );
});
