// From a policy object to a decision: compile errors as field causes with positions, messages
// (expression, static, fallback), params, failurePolicy for evaluation errors, and the request's
// total time budget.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { compilePolicy, PolicyCompiler } from "./compile.ts";
import {
  DEFAULT_REQUEST_BUDGET,
  decide,
  describeOutcome,
  evaluateRules,
  type RequestInfo,
} from "./evaluate.ts";

const policyObject = (spec: object, meta: object = {}): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind: "ClusterPolicy",
  metadata: { name: "p", uid: "u1", generation: 1, ...meta },
  spec,
});

const request: RequestInfo = {
  user: "alice",
  groups: [],
  tenant: "",
  operation: "CREATE",
  namespace: "shop",
  name: "web",
  kind: "ConfigMap",
  apiGroup: "",
  resource: "configmaps",
};

const cm = (data: Record<string, string>): KubeObject => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "web", namespace: "shop" },
  data,
});

function rules(spec: object) {
  const r = compilePolicy(policyObject(spec));
  assert.ok(r.policy, JSON.stringify(r.causes));
  return r.policy.rules;
}

test("compile problems are field causes naming the rule, the field and the position", () => {
  const r = compilePolicy(
    policyObject({
      rules: [
        { action: "deny", condition: "true" },
        { action: "deny", condition: "object.data.size() >\n  ", messageExpression: "1 + 1" },
        {
          action: "warn",
          condition: "true",
          match: { objectSelector: { matchExpressions: [{ key: "a", operator: "In" }] } },
        },
      ],
      clusterSelector: { matchExpressions: [{ key: "x", operator: "Bogus" }] },
    }),
  );
  assert.ok(r.causes);
  assert.deepEqual(
    r.causes.map((c) => c.field),
    [
      "spec.rules[1].condition",
      "spec.rules[1].messageExpression",
      "spec.rules[2].match.objectSelector",
      "spec.clusterSelector",
    ],
  );
  assert.match(
    r.causes[0].message,
    /^Invalid value: "object.data.size\(\) >\\n {2}": CEL compile error at line 2, column 3: /,
  );
  assert.match(r.causes[1].message, /must evaluate to string, not int/);
});

test("messages: the expression's, else the static one, else the failed expression", () => {
  const [a, b, c] = rules({
    rules: [
      { action: "deny", condition: "has(object.data.x)", messageExpression: "'x is ' + object.data.x" },
      {
        action: "deny",
        condition: "has(object.data.x)",
        message: "no x please",
        messageExpression: "object.nope",
      },
      { action: "deny", condition: "has(object.data.x)" },
    ],
  });
  const out = evaluateRules([a, b, c], { object: cm({ x: "1" }), request });
  assert.deepEqual(
    out.map((o) => o.message),
    ["x is 1", "no x please", "failed expression: has(object.data.x)"],
  );
  assert.equal(describeOutcome(out[0]), 'ClusterPolicy "p" rule "rule-0": x is 1');
});

test("params: the policy's, overlaid with the rule's", () => {
  const [r] = rules({
    params: { max: 2, label: "team" },
    rules: [{ action: "deny", condition: "size(object.data) > params.max", params: { max: 1 } }],
  });
  assert.equal(evaluateRules([r], { object: cm({ a: "1", b: "2" }), request })[0].result, "violation");
  assert.equal(evaluateRules([r], { object: cm({ a: "1" }), request })[0].result, "pass");
});

test("failurePolicy decides what an evaluation error does", () => {
  const spec = (failurePolicy: string) => ({
    failurePolicy,
    rules: [
      { name: "missing-key", action: "deny", condition: "object.data.missing == 'x'" },
      { name: "not-bool", action: "warn", condition: "object.data.flag" },
    ],
  });
  const fail = evaluateRules(rules(spec("Fail")), { object: cm({ flag: "yes" }), request });
  assert.deepEqual(
    fail.map((o) => o.result),
    ["error", "error"],
  );
  assert.match(fail[0].message, /could not be evaluated: No such key: missing/);
  assert.match(fail[1].message, /evaluated to yes, not a bool/);
  assert.equal(decide(fail).denied.length, 2);
  const ignore = decide(evaluateRules(rules(spec("Ignore")), { object: cm({ flag: "yes" }), request }));
  assert.deepEqual([ignore.denied.length, ignore.ignored.length], [0, 2]);
});

test("actions: deny, warn and audit violations land in their own lists", () => {
  const d = decide(
    evaluateRules(
      rules({
        rules: [
          { action: "deny", condition: "true" },
          { action: "warn", condition: "true" },
          { action: "audit", condition: "true" },
          { action: "deny", condition: "false" },
        ],
      }),
      { object: cm({}), request },
    ),
  );
  assert.deepEqual([d.denied.length, d.warned.length, d.audited.length, d.ignored.length], [1, 1, 1, 0]);
});

test("the request's total budget: once spent, the remaining rules are errors", () => {
  const many = rules({ rules: Array.from({ length: 5 }, () => ({ action: "deny", condition: "true" })) });
  const out = evaluateRules(
    many,
    { object: cm({}), request },
    { ...DEFAULT_REQUEST_BUDGET, maxTotalMillis: -1 },
  );
  assert.ok(out.every((o) => o.result === "error" && /time budget/.test(o.message)));
});

test("the compiler caches by uid, generation and spec", () => {
  const compiler = new PolicyCompiler();
  const spec = { rules: [{ action: "deny", condition: "true" }] };
  const first = compiler.compile(policyObject(spec));
  assert.equal(compiler.compile(policyObject(structuredClone(spec))), first, "the same version: cached");
  // Two writers racing to generation 2 with different specs each get their own result.
  const next = compiler.compile(
    policyObject({ rules: [{ action: "deny", condition: "false" }] }, { generation: 2 }),
  );
  const racer = compiler.compile(
    policyObject({ rules: [{ action: "deny", condition: "1 +" }] }, { generation: 2 }),
  );
  assert.equal(next.policy?.rules[0].condition.source, "false");
  assert.ok(racer.causes, "the invalid racer is not mistaken for the valid one");
});
