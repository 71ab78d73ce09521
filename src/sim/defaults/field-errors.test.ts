// The building blocks of the immutable-field messages: bad values printed as each release prints
// them, and semantic equality.
import assert from "node:assert/strict";
import { test } from "node:test";
import { labelSelector, releaseOf, same, shown } from "./field-errors.ts";

// --- the building blocks -----------------------------------------------------------------------

test("bad values print as each release prints them", () => {
  const old = releaseOf("v1.30.2");
  const json = releaseOf("v1.34.0");
  assert.equal(shown(old, "a"), '"a"');
  assert.equal(shown(old, 3), "3");
  assert.equal(shown(old, undefined), '"null"');
  assert.equal(shown(json, undefined), "null");
  const sel = { matchLabels: { b: "2", a: "1" }, matchExpressions: [{ key: "k", operator: "Exists" }] };
  assert.equal(
    shown(old, sel, labelSelector),
    'v1.LabelSelector{MatchLabels:map[string]string{"a":"1", "b":"2"}, MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"k", Operator:"Exists", Values:[]string(nil)}}}',
  );
  assert.equal(
    shown(json, sel, labelSelector),
    '{"matchLabels":{"a":"1","b":"2"},"matchExpressions":[{"key":"k","operator":"Exists"}]}',
  );
});

test("semantic equality: absent, null, empty and zero are the same; values are not", () => {
  assert.ok(same({ a: [], b: {}, c: null, d: "", e: 0, f: false }, {}));
  assert.ok(same({ x: { y: [1, { z: "q" }] } }, { x: { y: [1, { z: "q", w: null }] } }));
  assert.ok(!same({ a: "1" }, { a: 1 }));
  assert.ok(!same([1, 2], [2, 1]));
});
