import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { manifestKey, manifestRevision } from "../../propagation/identity.ts";
import { contentHash, markManifest } from "../../propagation/render.ts";
import { planWork } from "./work-builder-plan.ts";
import type { WorkSpec } from "./work-object.ts";

const cm = (name: string, data: Record<string, string>, binding = `shop/${name}-configmap`): KubeObject =>
  markManifest(
    { apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "shop" }, data },
    { binding },
  );
const ns = (name: string): KubeObject =>
  markManifest(
    { apiVersion: "v1", kind: "Namespace", metadata: { name } },
    { binding: `mcp-system/${name}-namespace` },
  );
const desired = (...ms: KubeObject[]) => new Map(ms.map((m) => [manifestKey(m), m]));
const revisions = (spec: WorkSpec) =>
  Object.fromEntries(spec.manifests.map((m) => [m.metadata.name, manifestRevision(m)]));

const first = (ms: KubeObject[]) =>
  planWork({ cluster: "c1", appliedRevision: 0, desired: desired(...ms), orphan: () => false });

describe("planWork", () => {
  it("stamps a new Work's manifests with revision 1 and hashes them", () => {
    const plan = first([cm("a", { x: "1" }), cm("b", { x: "1" })]);
    assert.equal(plan.bumped, true);
    assert.equal(plan.changed, true);
    assert.equal(plan.spec.revision, 1);
    assert.deepEqual(revisions(plan.spec), { a: 1, b: 1 });
    assert.equal(plan.spec.contentHash, contentHash(plan.spec.manifests));
    assert.deepEqual(plan.spec.deletions, []);
  });

  it("nothing for a cluster without a Work: no change", () => {
    const plan = planWork({ cluster: "c1", appliedRevision: 0, desired: new Map(), orphan: () => false });
    assert.equal(plan.changed, false);
  });

  it("only changed manifests get the new revision; unchanged content changes nothing", () => {
    const one = first([cm("a", { x: "1" }), cm("b", { x: "1" })]).spec;
    const same = planWork({
      cluster: "c1",
      previous: one,
      appliedRevision: 1,
      desired: desired(cm("a", { x: "1" }), cm("b", { x: "1" })),
      orphan: () => false,
    });
    assert.equal(same.changed, false);
    assert.equal(same.spec.revision, 1);
    const two = planWork({
      cluster: "c1",
      previous: one,
      appliedRevision: 1,
      desired: desired(cm("a", { x: "2" }), cm("b", { x: "1" })),
      orphan: () => false,
    });
    assert.equal(two.spec.revision, 2);
    assert.deepEqual(revisions(two.spec), { a: 2, b: 1 });
  });

  it("a removed manifest becomes a tombstone at the new revision (orphaned when asked)", () => {
    const one = first([cm("a", { x: "1" }), cm("keep", { x: "1" }, "shop/keep-configmap")]).spec;
    const two = planWork({
      cluster: "c1",
      previous: one,
      appliedRevision: 0,
      desired: new Map(),
      orphan: (m) => m.metadata.annotations?.["mcp.platform/binding"] === "shop/keep-configmap",
    });
    assert.equal(two.spec.revision, 2);
    assert.deepEqual(two.spec.manifests, []);
    assert.deepEqual(two.spec.deletions, [
      { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "a", revision: 2 },
      { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "keep", revision: 2, orphan: true },
    ]);
  });

  it("prunes tombstones at or below the applied revision without a new revision; a re-add drops one", () => {
    const one = first([cm("a", { x: "1" }), cm("b", { x: "1" })]).spec;
    const two = planWork({
      cluster: "c1",
      previous: one,
      appliedRevision: 1,
      desired: desired(cm("b", { x: "1" })),
      orphan: () => false,
    }).spec;
    assert.equal(two.deletions.length, 1);
    const notYet = planWork({
      cluster: "c1",
      previous: two,
      appliedRevision: 1,
      desired: desired(cm("b", { x: "1" })),
      orphan: () => false,
    });
    assert.equal(notYet.changed, false);
    const pruned = planWork({
      cluster: "c1",
      previous: two,
      appliedRevision: 2,
      desired: desired(cm("b", { x: "1" })),
      orphan: () => false,
    });
    assert.equal(pruned.changed, true);
    assert.equal(pruned.bumped, false);
    assert.equal(pruned.spec.revision, 2);
    assert.deepEqual(pruned.spec.deletions, []);
    const readded = planWork({
      cluster: "c1",
      previous: two,
      appliedRevision: 1,
      desired: desired(cm("a", { x: "1" }), cm("b", { x: "1" })),
      orphan: () => false,
    });
    assert.equal(readded.spec.revision, 3);
    assert.deepEqual(readded.spec.deletions, []);
    assert.deepEqual(revisions(readded.spec), { a: 3, b: 1 });
  });

  it("spreads a change bigger than the budget over consecutive revisions, Namespaces first", () => {
    const big = (name: string) => cm(name, { blob: "x".repeat(400) });
    const plan = planWork({
      cluster: "c1",
      appliedRevision: 0,
      desired: desired(big("a"), big("b"), big("c"), ns("shop")),
      orphan: () => false,
      revisionBudgetBytes: 1200,
    });
    const byName = revisions(plan.spec);
    assert.equal(byName.shop, 1, "the Namespace goes first");
    assert.deepEqual([byName.a, byName.b, byName.c], [1, 2, 2]);
    assert.equal(plan.spec.revision, 2);
    const again = planWork({
      cluster: "c1",
      previous: plan.spec,
      appliedRevision: 2,
      desired: desired(big("b"), big("c"), ns("shop")),
      orphan: () => false,
      revisionBudgetBytes: 1200,
    });
    assert.equal(again.spec.revision, 3, "a removal alone is one revision");
    assert.equal(again.spec.deletions[0].revision, 3);
  });
});
