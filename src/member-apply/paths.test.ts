import assert from "node:assert/strict";
import { test } from "node:test";
import { deletePath, formatPath, getPath, parsePath, parsePathList, setPath } from "./paths.ts";

test("paths read and print as users write them", () => {
  assert.deepEqual(parsePath("spec.replicas"), ["spec", "replicas"]);
  assert.deepEqual(parsePath("spec.template.spec.containers[0].image"), [
    "spec",
    "template",
    "spec",
    "containers",
    0,
    "image",
  ]);
  assert.deepEqual(parsePath('metadata.labels["app.kubernetes.io/name"]'), [
    "metadata",
    "labels",
    "app.kubernetes.io/name",
  ]);
  assert.deepEqual(parsePath("metadata.annotations['a.b/c'].x"), ["metadata", "annotations", "a.b/c", "x"]);
  for (const p of [
    "spec.template.spec.containers[0].image",
    'metadata.labels["app.kubernetes.io/name"]',
    "data.key-1",
  ])
    assert.equal(formatPath(parsePath(p)), p);
  for (const bad of ["", "spec.", "spec..x", "a[x]", "a[0"])
    assert.throws(() => parsePath(bad), /invalid field path/, bad);
  assert.deepEqual(parsePathList(" spec.replicas , ,spec.paused,a[").paths, [
    ["spec", "replicas"],
    ["spec", "paused"],
  ]);
  assert.equal(parsePathList("a[").errors.length, 1);
});

test("get, set and delete at a path", () => {
  const o: Record<string, unknown> = { spec: { containers: [{ name: "a", image: "x" }] } };
  assert.equal(getPath(o, ["spec", "containers", 0, "image"]), "x");
  assert.equal(getPath(o, ["spec", "missing", 3]), undefined);
  assert.equal(setPath(o, ["spec", "replicas"], 4), true);
  assert.equal(setPath(o, ["spec", "containers", 0, "image"], "y"), true);
  assert.equal(setPath(o, ["spec", "containers", 5, "image"], "z"), false, "no list item to set into");
  assert.equal(setPath(o, ["status", "deep", "x"], 1), true);
  assert.deepEqual(o, {
    spec: { containers: [{ name: "a", image: "y" }], replicas: 4 },
    status: { deep: { x: 1 } },
  });
  deletePath(o, ["spec", "replicas"]);
  deletePath(o, ["spec", "containers", 0]);
  deletePath(o, ["nothing", "here"]);
  assert.deepEqual(o, { spec: { containers: [] }, status: { deep: { x: 1 } } });
});
