import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clusterObject } from "../../propagation/cluster-fixtures.ts";
import { ClusterTable } from "./scheduler-clusters.ts";

const ready = (status: string, beat: string, cpu = "8") => ({
  lastHeartbeatTime: beat,
  conditions: [{ type: "Ready", status, lastTransitionTime: "2026-01-01T00:00:00Z" }],
  allocatable: { cpu },
});

describe("cluster table", () => {
  it("classifies changes; heartbeats are none", () => {
    const t = new ClusterTable();
    assert.deepEqual(t.upsert(clusterObject("b", { status: ready("True", "t1") })), {
      placement: true,
      readiness: true,
      capacity: true,
    });
    assert.equal(t.upsert(clusterObject("b", { status: ready("True", "t2") })), undefined);
    assert.deepEqual(t.upsert(clusterObject("b", { status: ready("Unknown", "t2") })), {
      placement: false,
      readiness: true,
      capacity: false,
    });
    assert.deepEqual(t.upsert(clusterObject("b", { status: ready("Unknown", "t3", "16") })), {
      placement: false,
      readiness: false,
      capacity: true,
    });
    assert.deepEqual(
      t.upsert(clusterObject("b", { labels: { region: "x" }, status: ready("Unknown", "t3", "16") })),
      {
        placement: true,
        readiness: false,
        capacity: false,
      },
    );
  });

  it("lists views sorted by name and forgets removed clusters", () => {
    const t = new ClusterTable();
    for (const n of ["c", "a", "b"]) t.upsert(clusterObject(n));
    assert.deepEqual(
      t.views().map((v) => v.name),
      ["a", "b", "c"],
    );
    assert.equal(t.remove("b"), true);
    assert.equal(t.remove("b"), false);
    assert.deepEqual(
      t.views().map((v) => v.name),
      ["a", "c"],
    );
    assert.equal(t.size, 2);
  });
});
