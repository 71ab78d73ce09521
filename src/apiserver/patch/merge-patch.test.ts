import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { applyMergePatch, mergePatchObject } from "./merge-patch.ts";

const configMap = () => ({
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: { name: "settings", namespace: "default", labels: { app: "web", tier: "frontend" } },
  data: { "log.level": "info", "feature.x": "on" },
});

test("null deletes a member, objects merge, scalars replace", () => {
  const live = configMap();
  const out = mergePatchObject(live, {
    metadata: { labels: { tier: null, team: "payments" } },
    data: { "log.level": "debug", "feature.x": null },
  });
  assert.deepEqual(out.metadata.labels, { app: "web", team: "payments" });
  assert.deepEqual(out.data, { "log.level": "debug" });
  assert.deepEqual(live, configMap(), "the input is not mutated");
});

test("arrays are replaced wholesale, never merged", () => {
  const out = applyMergePatch({ spec: { args: ["a", "b"], finalizers: ["x"] } }, { spec: { args: ["c"] } });
  assert.deepEqual(out, { spec: { args: ["c"], finalizers: ["x"] } });
});

test("RFC 7386 appendix A cases", () => {
  const cases: [unknown, unknown, unknown][] = [
    [{ a: "b" }, { a: "c" }, { a: "c" }],
    [{ a: "b" }, { b: "c" }, { a: "b", b: "c" }],
    [{ a: "b" }, { a: null }, {}],
    [{ a: [{ b: "c" }] }, { a: [1] }, { a: [1] }],
    [
      ["a", "b"],
      ["c", "d"],
      ["c", "d"],
    ],
    [{ a: "b" }, ["c"], ["c"]],
    [{ a: "foo" }, null, null],
    [{ e: null }, { a: 1 }, { e: null, a: 1 }],
    [[1, 2], { a: "b", c: null }, { a: "b" }],
    [{}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
  ];
  for (const [target, patch, want] of cases) assert.deepEqual(applyMergePatch(target, patch), want);
});

test("the result shares no structure with the target", () => {
  const live = configMap();
  const out = mergePatchObject(live, { data: { extra: "1" } });
  out.metadata.labels.app = "changed";
  assert.equal(live.metadata.labels.app, "web");
});

test("a patch that is not an object is a 400", () => {
  assert.throws(
    () => mergePatchObject(configMap(), ["not", "an", "object"]),
    (e: unknown) => e instanceof ApiError && e.code === 400 && e.reason === "BadRequest",
  );
});
