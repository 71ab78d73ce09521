import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../errors.ts";
import {
  formatLabelSelector,
  formatLabels,
  labelSelectorAsMatcher,
  parseLabelSelector,
  selectorFromSet,
} from "./labels.ts";

const pod = { app: "web", tier: "frontend", env: "prod", replicas: "3" };

describe("parseLabelSelector matching", () => {
  const cases: [selector: string, labels: Record<string, string>, expected: boolean][] = [
    ["", pod, true],
    ["   ", {}, true],
    ["app=web", pod, true],
    ["app==web", pod, true],
    ["app=api", pod, false],
    ["app!=api", pod, true],
    ["missing!=x", pod, true],
    ["app in (web,api)", pod, true],
    ["app in (api)", pod, false],
    ["missing in (a)", pod, false],
    ["app notin (api)", pod, true],
    ["app notin (web)", pod, false],
    ["missing notin (a)", pod, true],
    ["app", pod, true],
    ["missing", pod, false],
    ["!missing", pod, true],
    ["!app", pod, false],
    ["app=web,tier=frontend", pod, true],
    ["app=web,tier=backend", pod, false],
    ["  app = web ,  tier in ( frontend , backend )  ", pod, true],
    ["app=web,!missing,env", pod, true],
    ["replicas>2", pod, true],
    ["replicas<3", pod, false],
    ["app>1", pod, false],
    ["missing=", pod, false],
    ["empty=", { empty: "" }, true],
    ["x in (in)", { x: "in" }, true],
    ["x in (a,,b)", { x: "" }, true],
    ["example.com/role=db", { "example.com/role": "db" }, true],
  ];
  for (const [selector, labels, expected] of cases) {
    it(`${JSON.stringify(selector)} on ${JSON.stringify(labels)} -> ${expected}`, () => {
      assert.equal(parseLabelSelector(selector).matches(labels), expected);
    });
  }

  it("treats absent labels as an empty set", () => {
    assert.equal(parseLabelSelector("!a").matches(undefined), true);
    assert.equal(parseLabelSelector("a").matches(null), false);
  });
});

describe("parseLabelSelector normal form", () => {
  it("sorts requirements by key and values within sets, like Kubernetes' String()", () => {
    assert.equal(
      parseLabelSelector("x in (foo,,baz),y,z notin ()").toString(),
      "x in (,baz,foo),y,z notin ()",
    );
    assert.equal(parseLabelSelector("b==2, a!=1, !c").toString(), "a!=1,b==2,!c");
    assert.equal(parseLabelSelector("n>5").toString(), "n>5");
  });

  it("reports exact-match requirements", () => {
    const s = parseLabelSelector("app=web,tier in (a,b),env in (prod)");
    assert.equal(s.requiresExactMatch("app"), "web");
    assert.equal(s.requiresExactMatch("env"), "prod");
    assert.equal(s.requiresExactMatch("tier"), undefined);
    assert.equal(s.empty(), false);
    assert.equal(parseLabelSelector("").empty(), true);
  });
});

describe("parseLabelSelector errors", () => {
  const keyMsg =
    "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
  const cases: [selector: string, message: string][] = [
    [",", "found ',', expected: !, identifier, or 'end of string'"],
    ["x=a,,y=b", "found ',', expected: identifier after ','"],
    ["x=a b", "found 'b', expected: ',' or 'end of string'"],
    ["x in", "unable to parse requirement: found '' expected: '('"],
    ["x in (a", "unable to parse requirement: found '', expected: ',' or ')'"],
    ["x y", "unable to parse requirement: found 'y', expected: in, notin, =, ==, !=, gt, lt"],
    ["!", "unable to parse requirement: found '', expected: identifier"],
    ["x=(", "unable to parse requirement: found '(', expected: identifier"],
    ["!x=a", "found '=', expected: ',' or 'end of string'"],
    ["-x=a", `unable to parse requirement: <nil>: Invalid value: "-x": ${keyMsg}`],
    [
      "x>a",
      `unable to parse requirement: values[0]: Invalid value: "a": for 'Gt', 'Lt' operators, the value must be an integer`,
    ],
    [
      "x=-a",
      `unable to parse requirement: values[0][x]: Invalid value: "-a": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
  ];
  for (const [selector, message] of cases) {
    it(`rejects ${JSON.stringify(selector)}`, () => {
      assert.throws(
        () => parseLabelSelector(selector),
        (err: unknown) =>
          err instanceof ApiError &&
          err.code === 400 &&
          err.reason === "BadRequest" &&
          err.message === message,
      );
    });
  }

  it("rejects keys and values longer than 63 bytes, and bad prefixes", () => {
    const long = "a".repeat(64);
    assert.throws(() => parseLabelSelector(`${long}=b`), /name part must be no more than 63 bytes/);
    assert.throws(
      () => parseLabelSelector(`a=${long}`),
      /values\[0\]\[a\]: Invalid value: "a{64}": must be no more than 63 bytes/,
    );
    assert.throws(() => parseLabelSelector("Bad_Prefix/x=1"), /prefix part a lowercase RFC 1123 subdomain/);
    assert.throws(() => parseLabelSelector("/x=1"), /prefix part must be non-empty/);
    assert.throws(() => parseLabelSelector("a/b/c=1"), /a valid label key must consist of/);
    assert.doesNotThrow(() => parseLabelSelector(`${"a".repeat(63)}=${"b".repeat(63)}`));
  });
});

describe("labelSelectorAsMatcher", () => {
  it("selects nothing for a missing selector and everything for an empty one", () => {
    assert.equal(labelSelectorAsMatcher(undefined).matches(pod), false);
    assert.equal(labelSelectorAsMatcher(null).matches({}), false);
    assert.equal(labelSelectorAsMatcher({}).matches(pod), true);
    assert.equal(labelSelectorAsMatcher({ matchLabels: {}, matchExpressions: [] }).matches({}), true);
  });

  it("ANDs matchLabels and every expression operator", () => {
    const m = labelSelectorAsMatcher({
      matchLabels: { app: "web" },
      matchExpressions: [
        { key: "env", operator: "In", values: ["prod", "staging"] },
        { key: "tier", operator: "NotIn", values: ["backend"] },
        { key: "replicas", operator: "Exists" },
        { key: "canary", operator: "DoesNotExist" },
      ],
    });
    assert.equal(m.matches(pod), true);
    assert.equal(m.matches({ ...pod, canary: "true" }), false);
    assert.equal(m.matches({ ...pod, env: "dev" }), false);
    assert.equal(m.toString(), "app=web,!canary,env in (prod,staging),replicas,tier notin (backend)");
  });

  it("rejects invalid selectors with Kubernetes' messages", () => {
    assert.throws(
      () => labelSelectorAsMatcher({ matchExpressions: [{ key: "a", operator: "Equals", values: ["b"] }] }),
      (err: unknown) =>
        err instanceof ApiError && err.message === '"Equals" is not a valid label selector operator',
    );
    assert.throws(
      () => labelSelectorAsMatcher({ matchExpressions: [{ key: "a", operator: "In", values: [] }] }),
      (err: unknown) =>
        err instanceof ApiError &&
        err.message ===
          "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty",
    );
    assert.throws(
      () => labelSelectorAsMatcher({ matchExpressions: [{ key: "a", operator: "Exists", values: ["x"] }] }),
      /values: Invalid value: \[\]string\{"x"\}: values set must be empty for exists and does not exist/,
    );
    assert.throws(
      () => labelSelectorAsMatcher({ matchLabels: { "bad key": "x" } }),
      /^ApiError: key: Invalid value: "bad key"/,
    );
  });
});

describe("formatting helpers", () => {
  it("formats selectors and label maps like kubectl", () => {
    assert.equal(formatLabelSelector({ matchLabels: { b: "2", a: "1" } }), "a=1,b=2");
    assert.equal(formatLabelSelector({}), "<none>");
    assert.equal(formatLabelSelector(undefined), "<none>");
    assert.equal(formatLabelSelector({ matchExpressions: [{ key: "a", operator: "Bogus" }] }), "<error>");
    assert.equal(formatLabels({ z: "1", a: "2" }), "a=2,z=1");
    assert.equal(formatLabels({}), "<none>");
  });

  it("selectorFromSet matches exactly the set", () => {
    assert.equal(selectorFromSet({ app: "web" }).matches(pod), true);
    assert.equal(selectorFromSet({ app: "api" }).matches(pod), false);
    assert.equal(selectorFromSet({}).matches({}), true);
  });
});
