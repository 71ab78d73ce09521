import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { choosePolicy, type PolicyView, policyMatch, selectorMatch } from "./select.ts";

const web = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", labels: { app: "web", tier: "front" } },
};

const pp = (
  name: string,
  selectors: PolicyView["resourceSelectors"],
  priority = 0,
  namespace = "shop",
): PolicyView => ({
  kind: "PropagationPolicy",
  namespace,
  name,
  priority,
  resourceSelectors: selectors,
});
const cpp = (name: string, selectors: PolicyView["resourceSelectors"], priority = 0): PolicyView => ({
  kind: "ClusterPropagationPolicy",
  name,
  priority,
  resourceSelectors: selectors,
});

describe("resource selectors", () => {
  it("match group and kind, not the version", () => {
    assert.equal(selectorMatch({ apiVersion: "apps/v1", kind: "Deployment" }, web), 1);
    assert.equal(selectorMatch({ apiVersion: "apps/v1beta2", kind: "Deployment" }, web), 1);
    assert.equal(selectorMatch({ apiVersion: "extensions/v1beta1", kind: "Deployment" }, web), 0);
    assert.equal(selectorMatch({ apiVersion: "apps/v1", kind: "StatefulSet" }, web), 0);
    assert.equal(selectorMatch({ apiVersion: "v1", kind: "Deployment" }, web), 0);
  });

  it("match by name (ignoring the label selector, as Karmada does), by labels, and by namespace", () => {
    const byName = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };
    assert.equal(selectorMatch(byName, web), 3);
    assert.equal(selectorMatch({ ...byName, name: "api" }, web), 0);
    assert.equal(selectorMatch({ ...byName, labelSelector: { matchLabels: { app: "other" } } }, web), 3);
    const byLabels = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      labelSelector: { matchLabels: { app: "web" } },
    };
    assert.equal(selectorMatch(byLabels, web), 2);
    assert.equal(
      selectorMatch(
        {
          apiVersion: "apps/v1",
          kind: "Deployment",
          labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] },
        },
        web,
      ),
      2,
    );
    assert.equal(selectorMatch({ ...byLabels, labelSelector: { matchLabels: { app: "api" } } }, web), 0);
    assert.equal(selectorMatch({ ...byLabels, namespace: "other" }, web), 0);
    assert.equal(selectorMatch({ ...byLabels, namespace: "shop" }, web), 2);
  });

  it("an invalid label selector selects nothing", () => {
    const bad = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      labelSelector: { matchExpressions: [{ key: "app", operator: "Near", values: ["web"] }] },
    };
    assert.equal(selectorMatch(bad, web), 0);
  });

  it("a PropagationPolicy selects only in its own namespace, and never cluster-scoped objects", () => {
    const all = [{ apiVersion: "apps/v1", kind: "Deployment" }];
    assert.equal(policyMatch(pp("p", all), web), 1);
    assert.equal(policyMatch(pp("p", all, 0, "other"), web), 0);
    assert.equal(policyMatch(pp("p", [{ ...all[0], namespace: "shop" }], 0, "other"), web), 0);
    const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } };
    assert.equal(policyMatch(pp("p", [{ apiVersion: "v1", kind: "Namespace" }]), ns), 0);
    assert.equal(policyMatch(cpp("c", [{ apiVersion: "v1", kind: "Namespace" }]), ns), 1);
    assert.equal(policyMatch(cpp("c", all), web), 1);
  });

  it("a policy being deleted selects nothing; the best of its selectors counts", () => {
    const p = pp("p", [
      { apiVersion: "apps/v1", kind: "Deployment" },
      { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    ]);
    assert.equal(policyMatch(p, web), 3);
    assert.equal(policyMatch({ ...p, deleting: true }, web), 0);
  });
});

describe("choosing the policy", () => {
  const kindOnly = [{ apiVersion: "apps/v1", kind: "Deployment" }];
  const named = [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }];
  const labelled = [
    { apiVersion: "apps/v1", kind: "Deployment", labelSelector: { matchLabels: { app: "web" } } },
  ];

  it("a PropagationPolicy beats a ClusterPropagationPolicy, whatever the priority", () => {
    const r = choosePolicy([cpp("c", named, 100), pp("p", kindOnly, 0)], web);
    assert.equal(r?.policy.name, "p");
  });

  it("then the highest priority, then the most explicit match, then the first name", () => {
    assert.equal(choosePolicy([pp("a", named, 1), pp("b", kindOnly, 5)], web)?.policy.name, "b");
    assert.equal(choosePolicy([pp("a", kindOnly), pp("b", labelled), pp("c", named)], web)?.policy.name, "c");
    assert.equal(choosePolicy([pp("a", kindOnly), pp("b", labelled)], web)?.policy.name, "b");
    assert.equal(choosePolicy([pp("zeta", labelled), pp("alpha", labelled)], web)?.policy.name, "alpha");
    assert.equal(choosePolicy([cpp("zeta", named), cpp("alpha", named)], web)?.policy.name, "alpha");
    assert.equal(choosePolicy([cpp("x", kindOnly, 2), cpp("y", named, 1)], web)?.policy.name, "x");
  });

  it("none when no policy selects the object", () => {
    assert.equal(
      choosePolicy(
        [
          pp("p", named, 0, "other"),
          cpp(
            "c",
            labelled.map((s) => ({ ...s, kind: "Job" })),
          ),
        ],
        web,
      ),
      undefined,
    );
    assert.equal(choosePolicy([], web), undefined);
  });
});
