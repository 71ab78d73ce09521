import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ApiError } from "../errors.ts";
import { fieldValue, parseFieldSelector } from "./fields.ts";

const podFields = ["spec.nodeName", "spec.restartPolicy", "status.phase", "spec.hostNetwork"];
const pod = {
  metadata: { name: "web-1", namespace: "shop" },
  spec: { nodeName: "node-a", restartPolicy: "Always" },
  status: { phase: "Running" },
};
const pending = { metadata: { name: "web-2", namespace: "shop" }, spec: {}, status: { phase: "Pending" } };

const isBadRequest = (message: string) => (err: unknown) =>
  err instanceof ApiError && err.code === 400 && err.reason === "BadRequest" && err.message === message;

describe("parseFieldSelector", () => {
  const cases: [selector: string, obj: unknown, expected: boolean][] = [
    ["", pod, true],
    ["metadata.name=web-1", pod, true],
    ["metadata.name==web-1", pod, true],
    ["metadata.name=web-2", pod, false],
    ["metadata.namespace!=shop", pod, false],
    ["metadata.namespace!=other", pod, true],
    ["metadata.name=web-1,status.phase=Running", pod, true],
    ["metadata.name=web-1,status.phase=Pending", pod, false],
    ["spec.nodeName=", pending, true],
    ["spec.nodeName=", pod, false],
    ["spec.nodeName!=", pod, true],
    ["spec.hostNetwork=false", pod, true],
    ["status.phase!=Running,status.phase!=Succeeded", pending, true],
    [",metadata.name=web-1,", pod, true],
  ];
  for (const [selector, obj, expected] of cases) {
    it(`${JSON.stringify(selector)} -> ${expected}`, () => {
      assert.equal(parseFieldSelector(selector, { supported: podFields }).matches(obj), expected);
    });
  }

  it("compares values as strings, with Kubernetes' zero values for typed fields", () => {
    const node = { metadata: { name: "n" }, spec: { unschedulable: true } };
    assert.equal(
      parseFieldSelector("spec.unschedulable=true", { supported: ["spec.unschedulable"] }).matches(node),
      true,
    );
    assert.equal(
      parseFieldSelector("spec.unschedulable=false", { supported: ["spec.unschedulable"] }).matches({
        spec: {},
      }),
      true,
    );
    const job = { status: { succeeded: 2 } };
    assert.equal(
      parseFieldSelector("status.successful=2", { supported: ["status.successful"] }).matches(job),
      true,
    );
    const event = { reportingController: "mcp-scheduler", source: {} };
    assert.equal(parseFieldSelector("source=mcp-scheduler", { supported: ["source"] }).matches(event), true);
  });

  it("unescapes values and keeps escaped commas inside one term", () => {
    const obj = { metadata: { name: "a,b=c\\d" } };
    const s = parseFieldSelector("metadata.name=a\\,b\\=c\\\\d");
    assert.deepEqual(s.requirements, [{ field: "metadata.name", operator: "=", value: "a,b=c\\d" }]);
    assert.equal(s.matches(obj), true);
  });

  it("sorts terms and normalises == in its string form", () => {
    const s = parseFieldSelector("status.phase!=Failed,metadata.name==x", { supported: podFields });
    assert.equal(s.toString(), "metadata.name=x,status.phase!=Failed");
    assert.equal(s.requiresExactMatch("metadata.name"), "x");
    assert.equal(s.requiresExactMatch("status.phase"), undefined);
    assert.equal(parseFieldSelector("").empty(), true);
  });

  it("rejects fields the resource does not support", () => {
    assert.throws(
      () => parseFieldSelector("spec.nodeName=a"),
      isBadRequest("field label not supported: spec.nodeName"),
    );
    assert.throws(
      () => parseFieldSelector("metadata.name = a"),
      isBadRequest("field label not supported: metadata.name "),
    );
    assert.doesNotThrow(() => parseFieldSelector("metadata.namespace=a,metadata.name=b"));
  });

  it("rejects malformed selectors with Kubernetes' messages", () => {
    assert.throws(
      () => parseFieldSelector("metadata.name"),
      isBadRequest("invalid selector: 'metadata.name'; can't understand 'metadata.name'"),
    );
    assert.throws(
      () => parseFieldSelector("metadata.name=a=b"),
      isBadRequest("invalid field selector: unescaped character in value: 61"),
    );
    assert.throws(
      () => parseFieldSelector("metadata.name=a\\b"),
      isBadRequest("invalid field selector: invalid escape sequence: \\b"),
    );
    assert.throws(
      () => parseFieldSelector("metadata.name=a\\"),
      isBadRequest("invalid field selector: invalid escape sequence: \\"),
    );
  });
});

describe("fieldValue", () => {
  it("reads dotted paths and stringifies scalars", () => {
    assert.equal(fieldValue({ a: { b: 3 } }, "a.b"), "3");
    assert.equal(fieldValue({ a: { b: false } }, "a.b"), "false");
    assert.equal(fieldValue({ a: { b: { c: 1 } } }, "a.b"), "");
    assert.equal(fieldValue({ a: [1] }, "a.0"), "");
    assert.equal(fieldValue(undefined, "a"), "");
  });
});
