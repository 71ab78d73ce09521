import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { view } from "./cluster-fixtures.ts";
import type { ClusterView } from "./cluster-view.ts";
import { decideFailover, type FailoverInput, failsAt } from "./failover.ts";

const T0 = Date.parse("2026-03-01T00:00:00Z");
const down = (name: string, since = T0, status: "Unknown" | "False" = "Unknown") =>
  view(name, {}, { ready: { status, since } });

function input(selected: ClusterView[], over: Partial<FailoverInput> = {}): FailoverInput {
  return {
    tolerationSeconds: 60,
    selected,
    clusters: new Map(selected.map((c) => [c.name, c])),
    current: selected.map((c) => c.name),
    evictions: [],
    aggregatedStatus: [],
    now: T0,
    ...over,
  };
}

describe("failover", () => {
  it("a cluster fails tolerationSeconds after Ready left True, not before", () => {
    assert.equal(failsAt(down("a"), 60), T0 + 60_000);
    assert.equal(failsAt(down("a", T0, "False"), 0), T0);
    assert.equal(failsAt(view("a"), 60), undefined);
    assert.equal(failsAt(down("a"), undefined), undefined);
    assert.equal(failsAt(view("a", {}, { ready: undefined }), 60), undefined);
  });

  it("within the toleration nothing moves, and a recheck is asked for when it runs out", () => {
    const r = decideFailover(input([view("a"), down("b")], { now: T0 + 59_000 }));
    assert.deepEqual(
      r.active.map((c) => c.name),
      ["a", "b"],
    );
    assert.deepEqual(r.evictions, []);
    assert.equal(r.recheckAt, T0 + 60_000);
  });

  it("past the toleration the cluster loses its share and is recorded as evicted", () => {
    const r = decideFailover(input([view("a"), down("b")], { now: T0 + 60_000 }));
    assert.deepEqual(
      r.active.map((c) => c.name),
      ["a"],
    );
    assert.deepEqual(r.evictions, [
      { cluster: "b", reason: "ClusterNotReady", since: new Date(T0 + 60_000).toISOString() },
    ]);
  });

  it("a failed cluster that held nothing is just left out, without an eviction", () => {
    const r = decideFailover(input([view("a"), down("b")], { now: T0 + 120_000, current: ["a"] }));
    assert.deepEqual(
      r.active.map((c) => c.name),
      ["a"],
    );
    assert.deepEqual(r.evictions, []);
  });

  it("when every cluster failed there is nowhere to go: nothing is evicted", () => {
    const r = decideFailover(input([down("a"), down("b")], { now: T0 + 120_000 }));
    assert.deepEqual(
      r.active.map((c) => c.name),
      ["a", "b"],
    );
    assert.deepEqual(r.evictions, []);
  });

  const eviction = { cluster: "b", reason: "ClusterNotReady", since: "2026-03-01T00:01:00.000Z" };
  const healthy = (cluster: string) => ({ cluster, applied: true, health: "Healthy" });

  it("the eviction stays while the cluster is back but the replacement is not yet available", () => {
    const back = view("b");
    const r = decideFailover(
      input([view("a"), back], {
        current: ["a"],
        evictions: [eviction],
        aggregatedStatus: [{ cluster: "a", applied: true, health: "Unhealthy" }],
        now: T0 + 600_000,
      }),
    );
    assert.deepEqual(
      r.active.map((c) => c.name),
      ["a"],
    );
    assert.deepEqual(r.evictions, [eviction]);
  });

  it("the eviction stays while the cluster is still down, even when the replacement is available", () => {
    const r = decideFailover(
      input([view("a"), down("b")], {
        current: ["a"],
        evictions: [eviction],
        aggregatedStatus: [healthy("a")],
        now: T0 + 600_000,
      }),
    );
    assert.deepEqual(r.evictions, [eviction]);
  });

  it("released once the cluster is Ready and every replacement cluster is available: it is placed again", () => {
    const r = decideFailover(
      input([view("a"), view("b")], {
        current: ["a"],
        evictions: [eviction],
        aggregatedStatus: [healthy("a")],
        now: T0 + 600_000,
      }),
    );
    assert.deepEqual(
      r.active.map((c) => c.name),
      ["a", "b"],
    );
    assert.deepEqual(r.evictions, []);
  });

  it("an evicted cluster no longer selected keeps its entry until released; one that left the fleet drops it", () => {
    const kept = decideFailover(
      input([view("a")], {
        clusters: new Map([
          ["a", view("a")],
          ["b", down("b")],
        ]),
        current: ["a"],
        evictions: [eviction],
        aggregatedStatus: [healthy("a")],
      }),
    );
    assert.deepEqual(kept.evictions, [eviction]);
    const gone = decideFailover(
      input([view("a")], { current: ["a"], evictions: [eviction], aggregatedStatus: [healthy("a")] }),
    );
    assert.deepEqual(gone.evictions, []);
  });

  it("with failover off nothing is evicted", () => {
    const r = decideFailover(input([view("a"), down("b")], { tolerationSeconds: undefined, now: T0 + 9e9 }));
    assert.deepEqual(
      r.active.map((c) => c.name),
      ["a", "b"],
    );
    assert.deepEqual(r.evictions, []);
    assert.equal(r.recheckAt, undefined);
  });
});
