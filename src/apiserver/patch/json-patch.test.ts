import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { applyJsonPatch, parsePointer, pointerToFieldPath } from "./json-patch.ts";

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", annotations: { "example.com/owner": "team-a" } },
  spec: {
    replicas: 2,
    template: { spec: { containers: [{ name: "nginx", image: "nginx:1.25", args: ["-g", "daemon off;"] }] } },
  },
});

test("add, replace and remove address objects and arrays", () => {
  const out = applyJsonPatch(deployment(), [
    { op: "replace", path: "/spec/replicas", value: 5 },
    { op: "add", path: "/spec/template/spec/containers/-", value: { name: "envoy", image: "envoy:1.30" } },
    { op: "add", path: "/spec/template/spec/containers/0/args/0", value: "-c" },
    { op: "remove", path: "/spec/template/spec/containers/0/args/2" },
    { op: "add", path: "/metadata/labels", value: { app: "web" } },
  ]);
  assert.equal(out.spec.replicas, 5);
  assert.deepEqual(
    out.spec.template.spec.containers.map((c) => c.name),
    ["nginx", "envoy"],
  );
  assert.deepEqual(out.spec.template.spec.containers[0].args, ["-c", "-g"]);
  assert.deepEqual((out.metadata as Record<string, unknown>).labels, { app: "web" });
});

test("~1 and ~0 escape / and ~ in keys", () => {
  assert.deepEqual(parsePointer("/metadata/annotations/example.com~1owner"), [
    "metadata",
    "annotations",
    "example.com/owner",
  ]);
  assert.deepEqual(parsePointer("/a~0b/~01"), ["a~b", "~1"]);
  const out = applyJsonPatch(deployment(), [
    { op: "replace", path: "/metadata/annotations/example.com~1owner", value: "team-b" },
    { op: "add", path: "/metadata/annotations/odd~0key", value: "x" },
  ]);
  assert.deepEqual(out.metadata.annotations, { "example.com/owner": "team-b", "odd~key": "x" });
});

test("move and copy", () => {
  const out = applyJsonPatch(deployment(), [
    { op: "copy", from: "/spec/template/spec/containers/0", path: "/spec/template/spec/containers/1" },
    { op: "replace", path: "/spec/template/spec/containers/1/name", value: "copy" },
    { op: "move", from: "/metadata/annotations/example.com~1owner", path: "/metadata/annotations/owner" },
  ]);
  assert.deepEqual(
    out.spec.template.spec.containers.map((c) => c.name),
    ["nginx", "copy"],
  );
  assert.deepEqual(out.metadata.annotations, { owner: "team-a" });
});

test("a failing test op makes the whole patch fail, naming the op index and path; the input is untouched", () => {
  const live = deployment();
  assert.throws(
    () =>
      applyJsonPatch(live, [
        { op: "replace", path: "/spec/replicas", value: 9 },
        { op: "test", path: "/spec/template/spec/containers/0/image", value: "nginx:1.24" },
        { op: "replace", path: "/spec/template/spec/containers/0/image", value: "nginx:1.26" },
      ]),
    (e: unknown) => {
      assert.ok(e instanceof ApiError);
      assert.equal(e.code, 422);
      assert.equal(e.reason, "Invalid");
      assert.match(e.message, /^Deployment\.apps "web" is invalid: /);
      assert.match(
        e.message,
        /json patch operation 1 \(test \/spec\/template\/spec\/containers\/0\/image\) failed/,
      );
      assert.equal(e.details?.causes?.[0].field, "spec.template.spec.containers[0].image");
      return true;
    },
  );
  assert.deepEqual(live, deployment());
});

test("paths that do not exist fail replace, remove and test", () => {
  for (const op of [
    { op: "replace", path: "/spec/paused", value: true },
    { op: "remove", path: "/metadata/labels" },
    { op: "test", path: "/spec/template/spec/containers/3", value: {} },
    { op: "add", path: "/spec/template/spec/containers/2", value: {} },
    { op: "add", path: "/spec/missing/child", value: 1 },
    { op: "move", from: "/spec", path: "/spec/template/spec" },
  ]) {
    assert.throws(
      () => applyJsonPatch(deployment(), [op]),
      (e: unknown) => e instanceof ApiError && e.code === 422,
      JSON.stringify(op),
    );
  }
});

test("test compares JSON values deeply, ignoring key order", () => {
  const out = applyJsonPatch(deployment(), [
    {
      op: "test",
      path: "/metadata",
      value: { annotations: { "example.com/owner": "team-a" }, namespace: "shop", name: "web" },
    },
  ]);
  assert.equal(out.metadata.name, "web");
});

test("malformed patch documents are a 400", () => {
  for (const patch of [
    { op: "add" },
    [{ op: "frobnicate", path: "/a" }],
    [{ op: "add", path: "spec", value: 1 }],
    [{ op: "add", path: "/a" }],
    [{ op: "copy", path: "/a" }],
    [{ op: "add", path: "/a~2", value: 1 }],
  ]) {
    assert.throws(
      () => applyJsonPatch(deployment(), patch),
      (e: unknown) => e instanceof ApiError && e.code === 400,
      JSON.stringify(patch),
    );
  }
});

test("the root can be replaced; array indices must be canonical", () => {
  assert.deepEqual(applyJsonPatch({ a: 1 }, [{ op: "replace", path: "", value: { b: 2 } }]), { b: 2 });
  assert.throws(() => applyJsonPatch({ a: [1, 2] }, [{ op: "replace", path: "/a/01", value: 3 }]));
  assert.equal(pointerToFieldPath("/spec/ports/0/port"), "spec.ports[0].port");
});
