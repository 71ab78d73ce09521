import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { podRequests } from "./capacity.ts";
import { view } from "./cluster-fixtures.ts";
import type { ReplicaScheduling } from "./placement.ts";
import { assignReplicas, divideByWeights, staticWeights } from "./replicas.ts";

const a = view("a", { region: "east" });
const b = view("b", { region: "east" });
const c = view("c", { region: "west" });
const divided = (more: ReplicaScheduling = {}): ReplicaScheduling => ({
  replicaSchedulingType: "Divided",
  ...more,
});
const weights = (...list: [string[], number][]) =>
  divided({
    weightPreference: {
      staticWeightList: list.map(([clusterNames, weight]) => ({ targetCluster: { clusterNames }, weight })),
    },
  });

describe("dividing by weights", () => {
  it("6 replicas over weights 2:1 give 4 and 2", () => {
    assert.deepEqual(
      divideByWeights(6, [
        { name: "a", weight: 2 },
        { name: "b", weight: 1 },
      ]),
      [
        { name: "a", replicas: 4 },
        { name: "b", replicas: 2 },
      ],
    );
  });

  it("remainders go to the heaviest clusters, then by name", () => {
    assert.deepEqual(
      divideByWeights(5, [
        { name: "b", weight: 1 },
        { name: "a", weight: 2 },
      ]),
      [
        { name: "a", replicas: 4 },
        { name: "b", replicas: 1 },
      ],
    );
    assert.deepEqual(
      divideByWeights(7, [
        { name: "c", weight: 1 },
        { name: "b", weight: 1 },
        { name: "a", weight: 1 },
      ]).map((t) => t.replicas),
      [3, 2, 2],
    );
    assert.deepEqual(
      divideByWeights(2, [
        { name: "a", weight: 1 },
        { name: "b", weight: 3 },
        { name: "c", weight: 3 },
      ]).map((t) => t.replicas),
      [0, 1, 1],
    );
  });

  it("all-zero weights divide equally; zero-weight clusters get nothing otherwise", () => {
    assert.deepEqual(
      divideByWeights(4, [
        { name: "a", weight: 0 },
        { name: "b", weight: 0 },
      ]).map((t) => t.replicas),
      [2, 2],
    );
    assert.deepEqual(
      divideByWeights(4, [
        { name: "a", weight: 0 },
        { name: "b", weight: 5 },
      ]).map((t) => t.replicas),
      [0, 4],
    );
  });

  it("always sums to the total", () => {
    for (let total = 0; total < 40; total++) {
      const r = divideByWeights(total, [
        { name: "a", weight: 3 },
        { name: "b", weight: 7 },
        { name: "c", weight: 11 },
      ]);
      assert.equal(
        r.reduce((s, t) => s + t.replicas, 0),
        total,
      );
    }
  });
});

describe("static weights", () => {
  it("a cluster matching several entries takes the highest weight; none: 0", () => {
    const list = [
      { targetCluster: { labelSelector: { matchLabels: { region: "east" } } }, weight: 1 },
      { targetCluster: { clusterNames: ["b"] }, weight: 3 },
    ];
    assert.deepEqual(staticWeights(list, [a, b, c]), [
      { name: "a", weight: 1 },
      { name: "b", weight: 3 },
      { name: "c", weight: 0 },
    ]);
  });
});

describe("assigning replicas", () => {
  it("Duplicated (the default): every cluster gets all replicas; kinds without replicas get none", () => {
    assert.deepEqual(assignReplicas({ scheduling: undefined, clusters: [b, a], replicas: 3 }), [
      { name: "a", replicas: 3 },
      { name: "b", replicas: 3 },
    ]);
    assert.deepEqual(assignReplicas({ scheduling: divided(), clusters: [b, a], replicas: undefined }), [
      { name: "a" },
      { name: "b" },
    ]);
  });

  it("Divided by a static weight list: 6 over 2:1 is 4 + 2, clusters given no weight get none", () => {
    assert.deepEqual(
      assignReplicas({ scheduling: weights([["a"], 2], [["b"], 1]), clusters: [a, b, c], replicas: 6 }),
      [
        { name: "a", replicas: 4 },
        { name: "b", replicas: 2 },
      ],
    );
  });

  it("Divided with weights matching nobody, or none given, divides equally and drops empty shares", () => {
    assert.deepEqual(assignReplicas({ scheduling: weights([["zzz"], 2]), clusters: [a, b], replicas: 4 }), [
      { name: "a", replicas: 2 },
      { name: "b", replicas: 2 },
    ]);
    assert.deepEqual(assignReplicas({ scheduling: divided(), clusters: [c, b, a], replicas: 2 }), [
      { name: "a", replicas: 1 },
      { name: "b", replicas: 1 },
    ]);
  });

  it("Divided keeps every cluster at 0 when the template asks for 0 (scaled down, not removed)", () => {
    assert.deepEqual(assignReplicas({ scheduling: divided(), clusters: [a, b], replicas: 0 }), [
      { name: "a", replicas: 0 },
      { name: "b", replicas: 0 },
    ]);
  });

  const sized = (name: string, cpu: string, memory: string, pods = "110") =>
    view(name, {}, { allocatable: { cpu, memory, pods } });
  const requests = podRequests({ containers: [{ resources: { requests: { cpu: "500m", memory: "1Gi" } } }] });

  it("Divided by AvailableReplicas: in proportion to each cluster's room for the pod", () => {
    // Room: big 16 (cpu 8 / 0.5), small 4 (memory 4Gi / 1Gi), none 0.
    const clusters = [sized("big", "8", "64Gi"), sized("small", "16", "4Gi"), sized("none", "0", "0")];
    const dynamic = divided({ weightPreference: { dynamicWeight: "AvailableReplicas" } });
    assert.deepEqual(assignReplicas({ scheduling: dynamic, clusters, replicas: 10, requests }), [
      { name: "big", replicas: 8 },
      { name: "small", replicas: 2 },
    ]);
    // No capacity reported anywhere: equal weights.
    assert.deepEqual(assignReplicas({ scheduling: dynamic, clusters: [a, b], replicas: 5, requests }), [
      { name: "a", replicas: 3 },
      { name: "b", replicas: 2 },
    ]);
  });

  it("Divided, Aggregated: as few clusters as possible, roomiest first", () => {
    const clusters = [sized("c1", "2", "64Gi"), sized("c2", "4", "64Gi"), sized("c3", "3", "64Gi")];
    const aggregated = divided({ replicaDivisionPreference: "Aggregated" });
    // Room: c1 4, c2 8, c3 6. 7 fit in c2 alone.
    assert.deepEqual(assignReplicas({ scheduling: aggregated, clusters, replicas: 7, requests }), [
      { name: "c2", replicas: 7 },
    ]);
    // 12 need c2 and c3 (8 + 6), divided 8:6.
    assert.deepEqual(assignReplicas({ scheduling: aggregated, clusters, replicas: 12, requests }), [
      { name: "c2", replicas: 7 },
      { name: "c3", replicas: 5 },
    ]);
    // Scaled to 0: still on one cluster.
    assert.deepEqual(assignReplicas({ scheduling: aggregated, clusters, replicas: 0, requests }), [
      { name: "c2", replicas: 0 },
    ]);
    // More than all the room: every cluster with room.
    assert.deepEqual(
      assignReplicas({ scheduling: aggregated, clusters, replicas: 36, requests }).map((t) => t.replicas),
      [8, 16, 12],
    );
    // Unknown capacity: one cluster, the first by name.
    assert.deepEqual(assignReplicas({ scheduling: aggregated, clusters: [b, a], replicas: 3, requests }), [
      { name: "a", replicas: 3 },
    ]);
  });

  it("is deterministic: the order clusters come in changes nothing", () => {
    const s = weights([["a"], 3], [["b"], 2], [["c"], 2]);
    const one = assignReplicas({ scheduling: s, clusters: [a, b, c], replicas: 10 });
    const two = assignReplicas({ scheduling: s, clusters: [c, a, b], replicas: 10 });
    assert.deepEqual(one, two);
    assert.deepEqual(one, [
      { name: "a", replicas: 5 },
      { name: "b", replicas: 3 },
      { name: "c", replicas: 2 },
    ]);
  });
});
