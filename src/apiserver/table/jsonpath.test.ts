import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileJsonPath } from "./jsonpath.ts";

const obj = {
  metadata: { name: "db", annotations: { "example.com/owner": "team-a" } },
  spec: {
    replicas: 3,
    containers: [
      { name: "a", image: "img:1" },
      { name: "b", image: "img:2" },
    ],
    paused: false,
  },
  status: {
    conditions: [
      { type: "Available", status: "True" },
      { type: "Ready", status: "False", observedGeneration: 4 },
    ],
  },
};

const evaluate = (expr: string) => compileJsonPath(expr)(obj);

describe("compileJsonPath", () => {
  const cases: [expr: string, expected: unknown[]][] = [
    [".spec.replicas", [3]],
    ["{.spec.replicas}", [3]],
    ["$.spec.paused", [false]],
    [".spec.missing", []],
    [".spec.replicas.deeper", []],
    ['.status.conditions[?(@.type=="Ready")].status', ["False"]],
    [".status.conditions[?(@.type=='Available')].status", ["True"]],
    ['.status.conditions[?(@.type!="Ready")].type', ["Available"]],
    [".status.conditions[?(@.observedGeneration>3)].type", ["Ready"]],
    [".status.conditions[?(@.observedGeneration)].type", ["Ready"]],
    ['.status.conditions[?(@.type=="Gone")].status', []],
    [".spec.containers[0].image", ["img:1"]],
    [".spec.containers[-1].name", ["b"]],
    [".spec.containers[5].name", []],
    [".spec.containers[*].name", ["a", "b"]],
    [".spec.containers[0:1].name", ["a"]],
    [".metadata.annotations.example\\.com/owner", ["team-a"]],
    [".metadata.annotations['example.com/owner']", ["team-a"]],
    ["..image", ["img:1", "img:2"]],
    [".metadata.*", ["db", { "example.com/owner": "team-a" }]],
  ];
  for (const [expr, expected] of cases) {
    it(`${expr} -> ${JSON.stringify(expected)}`, () => assert.deepEqual(evaluate(expr), expected));
  }

  it("rejects syntax it does not understand", () => {
    assert.throws(() => compileJsonPath(".spec[abc]"), /unsupported JSONPath segment/);
    assert.throws(() => compileJsonPath(".spec.containers[0"), /unclosed bracket/);
    assert.throws(() => compileJsonPath("spec"), /unexpected "s"/);
    assert.throws(() => compileJsonPath(".a[?(b==1)]"), /filter must start with @/);
  });
});
