// Compiling CEL for policies: errors carry the line and column of the problem, the result type is
// checked, literal regexes are checked against the linear-time engine, and whole JSON numbers
// become CEL ints.
import assert from "node:assert/strict";
import { test } from "node:test";
import { Budget } from "./budget.ts";
import { CompileError, compileExpression } from "./cel-env.ts";

function compileFails(source: string, expect: "bool" | "string" = "bool"): CompileError {
  try {
    compileExpression(source, expect);
  } catch (e) {
    assert.ok(e instanceof CompileError, `not a CompileError: ${e}`);
    return e;
  }
  assert.fail(`${source} compiled`);
}

test("a syntax error names its line and column", () => {
  const e = compileFails("object.spec.replicas >");
  assert.deepEqual([e.line, e.column], [1, 23]);
  assert.match(e.message, /^line 1, column 23: Unexpected token/);
  const multi = compileFails('object.metadata.name == "a" &&\n  object.spec.(replicas)');
  assert.equal(multi.line, 2);
  assert.equal(multi.column, 15);
});

test("unknown variables, functions and wrong types are compile errors with positions", () => {
  const v = compileFails("object.x == 1 && bar == 2");
  assert.deepEqual([v.line, v.column], [1, 18]);
  assert.match(v.summary, /Unknown variable: bar/);
  const f = compileFails("object.x == 1 ||\n  frobnicate(object)");
  assert.deepEqual([f.line, f.column], [2, 3]);
  assert.match(f.summary, /frobnicate/);
  assert.match(compileFails('1 + "a" == 2').summary, /no matching overload|no such overload/);
});

test("a condition must be a bool and a message a string", () => {
  assert.match(compileFails("1 + 1").summary, /must evaluate to bool, not int/);
  assert.match(
    compileFails("object.metadata.name == 'x'", "string").summary,
    /must evaluate to string, not bool/,
  );
  // dyn results are accepted (checked at evaluation).
  assert.ok(compileExpression("object.spec.enabled", "bool"));
});

test("literal regexes must be valid and linear-time", () => {
  const bad = compileFails('object.metadata.name.matches("[a-")');
  assert.equal(bad.column, 30);
  assert.match(bad.summary, /invalid regular expression/);
  assert.match(
    compileFails('object.metadata.name.matches("(a)\\\\1")').summary,
    /back-references or lookaround/,
  );
  assert.ok(compileExpression('object.metadata.name.matches("^[a-z]+(-[a-z]+)*$")', "bool"));
});

test("an overlong expression is refused", () => {
  assert.match(compileFails(`${"true && ".repeat(1300)}true`).summary, /longer than 10000 characters/);
});

test("variables read are recorded; JSON integers are CEL ints", () => {
  const c = compileExpression("object.spec.replicas + 1 > params.max && cluster.size() > 0", "bool");
  assert.deepEqual([...c.variables].sort(), ["cluster", "object", "params"]);
  const activation = { object: { spec: { replicas: 3n } }, params: { max: 3n }, cluster: [{ env: "prod" }] };
  assert.equal(c.evaluate(activation, new Budget()), true);
});

test("matches() runs on the linear-time engine: a catastrophic pattern answers at once", () => {
  const c = compileExpression('object.s.matches("(a+)+$")', "bool");
  const budget = new Budget();
  // Backtracking engines take exponential time on this input; the linear one answers at once.
  assert.equal(c.evaluate({ object: { s: `${"a".repeat(30_000)}!` } }, budget), false);
  assert.equal(c.evaluate({ object: { s: "baa" } }, new Budget()), true);
  // A dynamic pattern is checked when it runs.
  const dyn = compileExpression("object.s.matches(object.p)", "bool");
  assert.throws(() => dyn.evaluate({ object: { s: "aa", p: "(a)\\1" } }, new Budget()), /back-references/);
});
