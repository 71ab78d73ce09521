import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { view } from "./cluster-fixtures.ts";
import { applySpread } from "./spread.ts";

const fleet = [
  view("a1", { region: "a", tier: "x" }),
  view("a2", { region: "a" }),
  view("a3", { region: "a" }),
  view("b1", { region: "b", tier: "y" }),
  view("b2", { region: "b" }),
  view("c1", { region: "c", tier: "x" }),
  view("nr"),
];
const none = new Set<string>();
const names = (r: ReturnType<typeof applySpread>) =>
  "selected" in r ? r.selected.map((c) => c.name) : r.error;
/** The fleet spread by `constraints`: the names chosen, or the error. */
const spread = (constraints: Parameters<typeof applySpread>[0], placed = none) =>
  names(applySpread(constraints, fleet, placed));

describe("spread constraints", () => {
  it("no constraints keep every candidate, sorted by name", () => {
    assert.deepEqual(names(applySpread([], [...fleet].reverse(), none)), [
      "a1",
      "a2",
      "a3",
      "b1",
      "b2",
      "c1",
      "nr",
    ]);
  });

  it("maxGroups picks the biggest groups, then by name; clusters without the field are left out", () => {
    assert.deepEqual(spread([{ spreadByField: "region", maxGroups: 1 }]), ["a1", "a2", "a3"]);
    assert.deepEqual(spread([{ spreadByField: "region", maxGroups: 2 }]), ["a1", "a2", "a3", "b1", "b2"]);
    assert.deepEqual(spread([{ spreadByField: "region" }]), ["a1", "a2", "a3", "b1", "b2", "c1"]);
  });

  it("groups already holding the placement are kept first (stability)", () => {
    const current = new Set(["c1"]);
    assert.deepEqual(spread([{ spreadByField: "region", maxGroups: 1 }], current), ["c1"]);
  });

  it("minGroups not met is an error that says how many groups there are", () => {
    const r = applySpread([{ spreadByField: "region", minGroups: 4 }], fleet, none);
    assert.equal("error" in r && r.invalid, undefined);
    assert.match(names(r) as string, /region: 3 group\(s\) available \(a, b, c\), at least 4 required/);
  });

  it("spreads by a label", () => {
    assert.deepEqual(spread([{ spreadByLabel: "tier", maxGroups: 1 }]), ["a1", "c1"]);
    assert.match(spread([{ spreadByLabel: "rack" }]) as string, /label rack: no eligible cluster/);
  });

  it("the cluster constraint caps and floors the number of clusters, round-robin across chosen groups", () => {
    assert.deepEqual(spread([{ spreadByField: "cluster", maxGroups: 2 }]), ["a1", "a2"]);
    assert.deepEqual(
      spread([
        { spreadByField: "region", maxGroups: 2 },
        { spreadByField: "cluster", maxGroups: 3 },
      ]),
      ["a1", "a2", "b1"],
    );
    assert.deepEqual(
      spread([
        { spreadByField: "region", minGroups: 3 },
        { spreadByField: "cluster", maxGroups: 3 },
      ]),
      ["a1", "b1", "c1"],
    );
    assert.match(
      spread([{ spreadByField: "cluster", minGroups: 8 }]) as string,
      /7 cluster\(s\) eligible, at least 8 required/,
    );
  });

  it("clusters already placed are picked first within the cap", () => {
    assert.deepEqual(spread([{ spreadByField: "cluster", maxGroups: 2 }], new Set(["b2", "nr"])), [
      "b2",
      "nr",
    ]);
  });

  it("contradictory constraints are invalid", () => {
    const both = applySpread([{ spreadByField: "region", spreadByLabel: "x" }], fleet, none);
    assert.equal("error" in both && both.invalid, true);
    const neither = applySpread([{ maxGroups: 1 }], fleet, none);
    assert.equal("error" in neither && neither.invalid, true);
    const inverted = applySpread([{ spreadByField: "zone", minGroups: 3, maxGroups: 2 }], fleet, none);
    assert.match(names(inverted) as string, /minGroups 3 is more than maxGroups 2/);
  });
});
