import assert from "node:assert/strict";
import { test } from "node:test";
import { UsageError } from "../cli/flags.ts";
import { parseTargets } from "./command.ts";

test("KIND NAME..., KIND1,KIND2 NAME and KIND/NAME... forms", () => {
  assert.deepEqual(parseTargets(["mc"], "get"), [{ kind: "mc", names: [] }]);
  assert.deepEqual(parseTargets(["mc", "a", "b"], "get"), [{ kind: "mc", names: ["a", "b"] }]);
  assert.deepEqual(parseTargets(["cm,secrets", "x"], "get"), [
    { kind: "cm", names: ["x"] },
    { kind: "secrets", names: ["x"] },
  ]);
  assert.deepEqual(parseTargets(["mc/a", "cm/x", "mc/b"], "get"), [
    { kind: "mc", names: ["a", "b"] },
    { kind: "cm", names: ["x"] },
  ]);
});

test("malformed targets are usage errors", () => {
  assert.throws(() => parseTargets([], "get"), UsageError);
  assert.throws(() => parseTargets(["mc", "cm/x"], "get"), /KIND\/NAME, which cannot follow a kind/);
  assert.throws(() => parseTargets(["mc/a", "b"], "get"), UsageError);
});
