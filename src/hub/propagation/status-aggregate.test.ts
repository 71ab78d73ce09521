import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { withRevision } from "../../propagation/render.ts";
import { aggregateBinding, templateStatus } from "./status-aggregate.ts";
import type { ManifestStatus } from "./work-object.ts";

const binding: KubeObject = {
  apiVersion: "mcp.platform/v1",
  kind: "ResourceBinding",
  metadata: { name: "web-deployment", namespace: "shop" },
  spec: {
    resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" },
    clusters: [
      { name: "east-1", replicas: 4 },
      { name: "east-2", replicas: 2 },
    ],
  },
};

const id = { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" };
const deployment = (rev: number): KubeObject =>
  withRevision(
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web", namespace: "shop" } },
    rev,
  );

function work(cluster: string, rev: number, status?: Partial<ManifestStatus>, applied = rev): KubeObject {
  return {
    apiVersion: "mcp.platform/v1",
    kind: "Work",
    metadata: { name: cluster, namespace: "mcp-system" },
    spec: { cluster, revision: rev, workload: { manifests: [deployment(rev)] } },
    status: {
      appliedRevision: applied,
      manifestStatuses: status
        ? [
            { identifier: id, ...status },
            {
              identifier: { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "web" },
              applied: false,
            },
          ]
        : [],
    },
  };
}

const template = (status?: object): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", generation: 3 },
  spec: { replicas: 6 },
  ...(status ? { status } : {}),
});

describe("binding and template status from Works", () => {
  const healthy = (rev: number, ready: number): Partial<ManifestStatus> => ({
    revision: rev,
    applied: true,
    health: "Healthy",
    replicas: ready,
    readyReplicas: ready,
    availableReplicas: ready,
    updatedReplicas: ready,
  });

  it("one entry per target cluster from the resource's manifest status; FullyApplied when all are current", () => {
    const works: Record<string, KubeObject> = {
      "east-1": work("east-1", 2, healthy(2, 4)),
      "east-2": work("east-2", 5, healthy(5, 2)),
    };
    const agg = aggregateBinding({ binding, work: (c) => works[c], overrideFailure: () => undefined });
    assert.deepEqual(agg.aggregatedStatus, [
      { cluster: "east-1", ...healthy(2, 4) },
      { cluster: "east-2", ...healthy(5, 2) },
    ]);
    assert.equal(agg.allApplied, true);
    assert.deepEqual(
      [agg.fullyApplied.status, agg.fullyApplied.message],
      ["True", "applied in all 2 clusters"],
    );
    const t = templateStatus(template({ conditions: [{ type: "X", status: "True" }] }), agg)!;
    assert.deepEqual(t, {
      conditions: [{ type: "X", status: "True" }],
      observedGeneration: 3,
      replicas: 6,
      readyReplicas: 6,
      availableReplicas: 6,
      updatedReplicas: 6,
    });
  });

  it("a cluster behind the Work's revision, missing, or failing an override is not applied", () => {
    const works: Record<string, KubeObject> = { "east-1": work("east-1", 3, healthy(2, 4), 2) };
    const agg = aggregateBinding({ binding, work: (c) => works[c], overrideFailure: () => undefined });
    assert.equal(agg.allApplied, false);
    assert.deepEqual(
      [agg.fullyApplied.status, agg.fullyApplied.message],
      ["False", "applied in 0 of 2 clusters"],
    );
    assert.deepEqual(agg.aggregatedStatus[1], { cluster: "east-2" });
    const t = templateStatus(template({ observedGeneration: 2 }), agg)!;
    assert.equal(t.observedGeneration, 2, "kept until every member has the current revision");
    assert.equal(t.readyReplicas, 4);

    const failing = aggregateBinding({
      binding,
      work: () => work("x", 1, healthy(1, 1)),
      overrideFailure: (c) => (c === "east-2" ? "OverridePolicy shop/x rule 0: boom" : undefined),
    });
    assert.equal(failing.aggregatedStatus[1].applied, false);
    assert.equal(failing.aggregatedStatus[1].reason, "OverrideFailed");
    assert.equal(failing.aggregatedStatus[1].message, "OverridePolicy shop/x rule 0: boom");
    assert.equal(failing.allApplied, false);
  });

  it("DaemonSets sum into their own fields; other kinds have no summed status", () => {
    const agg = aggregateBinding({
      binding,
      work: (c) => work(c, 1, healthy(1, 3)),
      overrideFailure: () => undefined,
    });
    const ds = templateStatus({ ...template(), kind: "DaemonSet" }, agg)!;
    assert.deepEqual(
      [ds.desiredNumberScheduled, ds.numberReady, ds.numberAvailable, ds.updatedNumberScheduled],
      [6, 6, 6, 6],
    );
    assert.equal(
      templateStatus({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }, agg),
      undefined,
    );
  });
});
