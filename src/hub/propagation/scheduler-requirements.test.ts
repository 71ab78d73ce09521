import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { RequirementIndex } from "./scheduler-requirements.ts";

describe("requirement index", () => {
  it("tracks requirers per dependency and reports what changed", () => {
    const idx = new RequirementIndex();
    assert.deepEqual(idx.set("web", ["cm", "ns"]), ["cm", "ns"]);
    assert.deepEqual(idx.set("api", ["ns"]), ["ns"]);
    assert.deepEqual(idx.requirersOf("ns"), ["api", "web"]);
    assert.deepEqual(idx.set("web", ["ns", "secret"]), ["cm", "secret"]);
    assert.deepEqual(idx.requirersOf("cm"), []);
    assert.deepEqual(idx.set("web", ["ns", "secret"]), []);
    assert.deepEqual(idx.set("web", []), ["ns", "secret"]);
    assert.deepEqual(idx.requirersOf("ns"), ["api"]);
    assert.deepEqual(idx.dependenciesOf("web"), []);
    assert.deepEqual(idx.dependenciesOf("api"), ["ns"]);
  });
});
