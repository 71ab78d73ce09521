import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { view } from "./cluster-fixtures.ts";
import { type PlacementInput, placeClusters } from "./placement.ts";

const clusters = [
  view("east-1", { region: "east" }),
  view("east-2", { region: "east" }, { taints: [{ key: "gpu", effect: "NoSchedule" }] }),
  view("east-3", { region: "east" }, { accepted: false }),
  view("east-4", { region: "east" }, { deleting: true }),
  view("east-5", { region: "east" }, { ready: { status: "Unknown", since: 0 } }),
  view("west-1", { region: "west" }),
];

const place = (over: Partial<PlacementInput> = {}) =>
  placeClusters({ placement: undefined, clusters, current: new Set(), now: 0, ...over });
const selected = (r: ReturnType<typeof placeClusters>) => (r.ok ? r.selected.map((c) => c.name) : r.reason);

describe("placement", () => {
  it("without a placement: every accepted cluster not being deleted and without untolerated taints", () => {
    assert.deepEqual(selected(place()), ["east-1", "east-5", "west-1"]);
  });

  it("clusters whose Ready is Unknown stay eligible", () => {
    assert.ok(selected(place()).includes("east-5"));
  });

  it("filters by affinity and the policy's clusterLabelSelector", () => {
    const east = { clusterAffinity: { labelSelector: { matchLabels: { region: "east" } } } };
    assert.deepEqual(selected(place({ placement: east })), ["east-1", "east-5"]);
    assert.deepEqual(
      selected(
        place({
          placement: east,
          clusterLabelSelector: {
            matchExpressions: [{ key: "region", operator: "NotIn", values: ["east"] }],
          },
        }),
      ),
      "NoClusterFit",
    );
  });

  it("tolerations let tainted clusters in; a NoSchedule taint does not remove a placement already there", () => {
    const tolerant = { clusterTolerations: [{ key: "gpu", operator: "Exists" as const }] };
    assert.deepEqual(selected(place({ placement: tolerant })), ["east-1", "east-2", "east-5", "west-1"]);
    assert.deepEqual(selected(place({ current: new Set(["east-2"]) })), [
      "east-1",
      "east-2",
      "east-5",
      "west-1",
    ]);
  });

  it("says why nothing fits", () => {
    const r = place({ placement: { clusterAffinity: { clusterNames: ["east-2", "east-3", "east-4"] } } });
    assert.equal(r.ok, false);
    assert.equal(!r.ok && r.reason, "NoClusterFit");
    assert.equal(
      !r.ok && r.message,
      "0/6 clusters are available: 3 did not match the cluster affinity, 1 being deleted, 1 had untolerated taint {gpu:NoSchedule}, 1 not accepted by the hub",
    );
  });

  it("applies spread constraints after the filters; an unmet minimum returns the eligible clusters", () => {
    const spread = { spreadConstraints: [{ spreadByField: "region" as const, maxGroups: 1 }] };
    assert.deepEqual(selected(place({ placement: spread })), ["east-1", "east-5"]);
    const r = place({
      placement: { spreadConstraints: [{ spreadByField: "region" as const, minGroups: 3 }] },
    });
    assert.equal(!r.ok && r.reason, "SpreadConstraintsNotMet");
    assert.deepEqual(!r.ok && r.eligible.map((c) => c.name), ["east-1", "east-5", "west-1"]);
  });

  it("invalid selectors or constraints are InvalidPlacement, not an exception", () => {
    const bad = place({
      placement: {
        clusterAffinity: { labelSelector: { matchExpressions: [{ key: "x", operator: "Near" }] } },
      },
    });
    assert.equal(!bad.ok && bad.reason, "InvalidPlacement");
    const contradictory = place({
      placement: { spreadConstraints: [{ spreadByField: "zone", spreadByLabel: "x" }] },
    });
    assert.equal(!contradictory.ok && contradictory.reason, "InvalidPlacement");
  });

  it("asks to be judged again when a NoExecute toleration runs out", () => {
    const tainted = [view("a", {}, { taints: [{ key: "maint", effect: "NoExecute", timeAdded: 1000 }] })];
    const placement = {
      clusterTolerations: [{ key: "maint", operator: "Exists" as const, tolerationSeconds: 60 }],
    };
    const r = placeClusters({ placement, clusters: tainted, current: new Set(["a"]), now: 2000 });
    assert.equal(r.ok && r.recheckAt, 61_000);
    const later = placeClusters({ placement, clusters: tainted, current: new Set(["a"]), now: 61_000 });
    assert.equal(!later.ok && later.reason, "NoClusterFit");
  });
});
