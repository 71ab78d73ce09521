import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { AffinityError, compileAffinity } from "./affinity.ts";
import { view } from "./cluster-fixtures.ts";

const east1 = view("east-1", { region: "east", provider: "aws", env: "prod" });
const east2 = view("east-2", { region: "east", provider: "gcp" });
const west1 = view("west-1", { region: "west", env: "prod" });
const bare = view("bare");
const all = [east1, east2, west1, bare];
const pick = (a: Parameters<typeof compileAffinity>[0]) => all.filter(compileAffinity(a)).map((c) => c.name);

describe("cluster affinity", () => {
  it("matches everything when empty or absent", () => {
    assert.deepEqual(pick(undefined), ["east-1", "east-2", "west-1", "bare"]);
    assert.deepEqual(pick({}), ["east-1", "east-2", "west-1", "bare"]);
    assert.deepEqual(pick({ clusterNames: [] }), ["east-1", "east-2", "west-1", "bare"]);
  });

  it("by names, minus exclusions", () => {
    assert.deepEqual(pick({ clusterNames: ["east-1", "west-1", "nope"] }), ["east-1", "west-1"]);
    assert.deepEqual(pick({ exclude: ["east-2"] }), ["east-1", "west-1", "bare"]);
    assert.deepEqual(pick({ clusterNames: ["east-1", "east-2"], exclude: ["east-2"] }), ["east-1"]);
  });

  it("by labels", () => {
    assert.deepEqual(pick({ labelSelector: { matchLabels: { region: "east" } } }), ["east-1", "east-2"]);
    assert.deepEqual(
      pick({ labelSelector: { matchExpressions: [{ key: "env", operator: "DoesNotExist" }] } }),
      ["east-2", "bare"],
    );
  });

  it("by fields region/zone/provider; NotIn matches clusters without the field", () => {
    const f = (key: "region" | "provider", operator: "In" | "NotIn", values: string[]) => ({
      fieldSelector: { matchExpressions: [{ key, operator, values }] },
    });
    assert.deepEqual(pick(f("provider", "In", ["aws", "gcp"])), ["east-1", "east-2"]);
    assert.deepEqual(pick(f("region", "NotIn", ["east"])), ["west-1", "bare"]);
  });

  it("every given part must hold", () => {
    assert.deepEqual(
      pick({
        labelSelector: { matchLabels: { env: "prod" } },
        fieldSelector: { matchExpressions: [{ key: "region", operator: "In", values: ["east"] }] },
      }),
      ["east-1"],
    );
  });

  it("an invalid selector is an AffinityError saying what is wrong", () => {
    assert.throws(
      () =>
        compileAffinity({
          labelSelector: { matchExpressions: [{ key: "a", operator: "Near", values: [] }] },
        }),
      (e) => e instanceof AffinityError && /cluster label selector/.test(e.message),
    );
    assert.throws(
      () =>
        compileAffinity({
          fieldSelector: { matchExpressions: [{ key: "rack" as "zone", operator: "In", values: [] }] },
        }),
      (e) => e instanceof AffinityError && /rack/.test(e.message),
    );
  });
});
