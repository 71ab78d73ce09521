import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { view } from "./cluster-fixtures.ts";
import { type ScheduleInput, type SchedulingPolicy, schedule } from "./schedule.ts";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const fleet = [view("a", { region: "east" }), view("b", { region: "east" }), view("c", { region: "west" })];
const weighted: SchedulingPolicy = {
  placement: {
    clusterAffinity: { labelSelector: { matchLabels: { region: "east" } } },
    replicaScheduling: {
      replicaSchedulingType: "Divided",
      weightPreference: {
        staticWeightList: [
          { targetCluster: { clusterNames: ["a"] }, weight: 2 },
          { targetCluster: { clusterNames: ["b"] }, weight: 1 },
        ],
      },
    },
  },
};
const run = (over: Partial<ScheduleInput>) => schedule({ policy: {}, clusters: fleet, now: T0, ...over });

describe("scheduling one template", () => {
  it("places by affinity and divides replicas: 6 over 2:1 → 4 and 2", () => {
    const r = run({ policy: weighted, replicas: 6 });
    assert.deepEqual(r.clusters, [
      { name: "a", replicas: 4 },
      { name: "b", replicas: 2 },
    ]);
    assert.equal(r.condition.status, "True");
    assert.equal(r.condition.reason, "Success");
    assert.match(r.condition.message, /^placed on 2 cluster\(s\)$/);
    assert.deepEqual(r.evictions, []);
  });

  it("Duplicated gives each cluster all the replicas; objects without replicas just the names", () => {
    assert.deepEqual(run({ replicas: 2 }).clusters, [
      { name: "a", replicas: 2 },
      { name: "b", replicas: 2 },
      { name: "c", replicas: 2 },
    ]);
    assert.deepEqual(run({}).clusters, [{ name: "a" }, { name: "b" }, { name: "c" }]);
  });

  it("nothing fits: no clusters, Scheduled False NoClusterFit", () => {
    const r = run({ policy: { placement: { clusterAffinity: { clusterNames: ["zzz"] } } } });
    assert.deepEqual(r.clusters, []);
    assert.deepEqual(r.condition, {
      status: "False",
      reason: "NoClusterFit",
      message: "0/3 clusters are available: 3 did not match the cluster affinity",
    });
  });

  it("unmet spread constraints keep the eligible clusters it is already on", () => {
    const policy = { placement: { spreadConstraints: [{ spreadByField: "region" as const, minGroups: 3 }] } };
    const fresh = run({ policy });
    assert.deepEqual(fresh.clusters, []);
    assert.equal(fresh.condition.reason, "SpreadConstraintsNotMet");
    const kept = run({
      policy,
      current: { clusters: [{ name: "b" }, { name: "gone" }], evictions: [], aggregatedStatus: [] },
    });
    assert.deepEqual(kept.clusters, [{ name: "b" }]);
    assert.match(kept.condition.message, /kept on the 1 eligible cluster\(s\) it was on/);
  });

  it("the same inputs give the same decision (no reshuffle on re-decide)", () => {
    const first = run({ policy: weighted, replicas: 7 });
    const again = run({
      policy: weighted,
      replicas: 7,
      clusters: [...fleet].reverse(),
      current: { clusters: first.clusters, evictions: [], aggregatedStatus: [] },
    });
    assert.deepEqual(again.clusters, first.clusters);
  });

  it("failover moves a Divided share off a cluster not Ready for too long, and records the eviction", () => {
    const policy = {
      ...weighted,
      failover: { application: { decisionConditions: { tolerationSeconds: 30 } } },
    };
    const current = {
      clusters: [
        { name: "a", replicas: 4 },
        { name: "b", replicas: 2 },
      ],
      evictions: [],
      aggregatedStatus: [],
    };
    const clusters = [
      view("a", { region: "east" }, { ready: { status: "Unknown", since: T0 } }),
      fleet[1],
      fleet[2],
    ];
    const early = run({ policy, replicas: 6, clusters, current, now: T0 + 10_000 });
    assert.deepEqual(early.clusters, current.clusters);
    assert.equal(early.recheckAt, T0 + 30_000);
    const late = run({ policy, replicas: 6, clusters, current, now: T0 + 30_000 });
    assert.deepEqual(late.clusters, [{ name: "b", replicas: 6 }]);
    assert.deepEqual(late.evictions, [
      { cluster: "a", reason: "ClusterNotReady", since: new Date(T0 + 30_000).toISOString() },
    ]);
    assert.match(late.condition.message, /evicting a/);
  });

  it("failover leaves Duplicated placements alone", () => {
    const policy = { failover: { application: { decisionConditions: { tolerationSeconds: 0 } } } };
    const clusters = [view("a", {}, { ready: { status: "Unknown", since: T0 } }), view("b")];
    const r = run({ policy, replicas: 3, clusters, now: T0 + 60_000 });
    assert.deepEqual(
      r.clusters.map((c) => c.name),
      ["a", "b"],
    );
    assert.deepEqual(r.evictions, []);
  });
});
