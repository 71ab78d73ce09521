// The cost limit, both halves: the estimate rejects at compile time what is plainly too costly
// (nested loops over input, big literal loops, repeated doubling), and the step budget cuts off
// at run time what the estimate let through, without a `||` being able to hide the cut-off.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Budget } from "./budget.ts";
import { CompileError, compileExpression } from "./cel-env.ts";
import { compilePolicy } from "./compile.ts";
import { evaluateRule } from "./evaluate.ts";
import { MAX_ESTIMATED_COST } from "./static-cost.ts";

const estimate = (src: string) => compileExpression(src, "bool").estimatedCost;

function rejected(src: string): string {
  try {
    compileExpression(src, "bool");
  } catch (e) {
    assert.ok(e instanceof CompileError);
    return e.summary;
  }
  assert.fail(`${src} was accepted`);
}

test("the estimate grows with loop nesting; three loops over the object are refused", () => {
  const one = estimate("object.spec.containers.all(c, c.name != '')");
  const two = estimate("object.spec.containers.all(c, c.ports.all(p, p.containerPort != 22))");
  assert.ok(one < two && two < MAX_ESTIMATED_COST, `${one} < ${two} < limit`);
  const why = rejected("object.a.all(x, object.b.all(y, object.c.all(z, x == y && y == z)))");
  assert.match(why, /estimated cost of the expression \(\d+\) exceeds the limit of 1000000/);
});

test("literal ranges count exactly: a small one passes, a big nested one is refused", () => {
  assert.ok(estimate("[1, 2, 3].all(x, x > 0)") < 50);
  const big = `[${Array.from({ length: 1000 }, (_, i) => i).join(",")}]`;
  assert.match(rejected(`${big}.all(x, ${big}.all(y, x != y))`), /exceeds the limit/);
});

test("repeated doubling through cel.bind is estimated by size", () => {
  let expr = "a0.size() > 0";
  for (let i = 1; i <= 20; i++) expr = `cel.bind(a${i - 1}, a${i} + a${i}, ${expr})`;
  assert.match(rejected(`cel.bind(a20, object.list, ${expr})`), /exceeds the limit/);
  // Two doublings are fine.
  assert.ok(
    estimate("cel.bind(a, object.list, cel.bind(b, a + a, cel.bind(c, b + b, c.size() > 0)))") < 5000,
  );
});

function bigMap(n: number): Record<string, string> {
  const m: Record<string, string> = {};
  for (let i = 0; i < n; i++) m[`k${i}`] = "v";
  return m;
}

test("the step budget cuts off what the estimate let through", () => {
  // Two loops over a map the estimate assumes holds 100 keys; this one holds 3,000 (9M pairs).
  const c = compileExpression("object.data.all(a, object.data.all(b, a != b || true))", "bool");
  const budget = new Budget({ maxSteps: 200_000, maxMillis: 60_000 });
  assert.throws(() => c.evaluate({ object: { data: bigMap(3000) } }, budget));
  assert.equal(budget.exceeded, true);
  assert.equal(budget.steps, 200_001, "no step is taken once the budget is spent");
  assert.match(budget.describe(), /cost limit of 200000 steps/);
});

test("a cut-off cannot be hidden by ||: the rule is an error, not a pass", () => {
  const r = compilePolicy({
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPolicy",
    metadata: { name: "p" },
    spec: {
      rules: [
        {
          action: "deny",
          condition: "object.data.all(a, object.data.all(b, a == b || a != b)) && false || true",
        },
      ],
    },
  });
  assert.ok(r.policy, JSON.stringify(r.causes));
  const base = { object: { data: bigMap(3000) }, request: {}, cluster: [] };
  const out = evaluateRule(r.policy.rules[0], base, { maxSteps: 100_000, maxMillis: 60_000 });
  assert.equal(out.result, "error");
  assert.match(out.message, /exceeded the cost limit of 100000 steps/);
});

test("the clock is the second limit", () => {
  const c = compileExpression("object.data.all(a, object.data.all(b, a != b || true))", "bool");
  const budget = new Budget({ maxSteps: Number.MAX_SAFE_INTEGER, maxMillis: 5 });
  assert.throws(() => c.evaluate({ object: { data: bigMap(3000) } }, budget));
  assert.match(budget.describe(), /time limit of 5 ms/);
});

test("a concatenation pays for what it built", () => {
  const c = compileExpression("(object.list + object.list).size() > 0", "bool");
  const list = Array.from({ length: 50_000 }, () => 1n);
  const budget = new Budget({ maxSteps: 60_000, maxMillis: 60_000 });
  assert.throws(() => c.evaluate({ object: { list } }, budget));
  assert.equal(budget.exceeded, true);
  const ok = new Budget({ maxSteps: 60_000, maxMillis: 60_000 });
  assert.equal(c.evaluate({ object: { list: [1n] } }, ok), true);
  assert.ok(ok.steps < 20);
});
