import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { WorkUpdate } from "../../apis/agent/v1/protocol.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { withRevision } from "../../propagation/render.ts";
import { deltaUpdates, fullUpdates, resumeUpdates, workDelta } from "./sync-delta.ts";
import type { WorkSpec } from "./work-object.ts";

const cm = (name: string, revision: number, size = 10): KubeObject =>
  withRevision(
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name, namespace: "d" },
      data: { v: "x".repeat(size) },
    },
    revision,
  );

const spec = (): WorkSpec => ({
  cluster: "c",
  revision: 5,
  manifests: [cm("a", 1), cm("b", 3), cm("c", 4), cm("d", 4)],
  deletions: [
    { apiVersion: "v1", kind: "ConfigMap", namespace: "d", name: "gone-2", revision: 2 },
    { apiVersion: "v1", kind: "ConfigMap", namespace: "d", name: "gone-5", revision: 5, orphan: true },
  ],
  suspendDispatching: false,
});

const names = (u: WorkUpdate) => ({
  revision: u.revision,
  full: u.full,
  manifests: (JSON.parse(u.manifests_json) as KubeObject[]).map((m) => m.metadata.name),
  deletions: (JSON.parse(u.deletions_json) as { name: string }[]).map((t) => t.name),
});

describe("what an agent is sent", () => {
  it("the delta above its revision: changed manifests and tombstones, at the Work's revision", () => {
    assert.deepEqual(deltaUpdates(spec(), 3).updates.map(names), [
      { revision: 5, full: false, manifests: ["c", "d"], deletions: ["gone-5"] },
    ]);
    assert.deepEqual(deltaUpdates(spec(), 1).updates.map(names), [
      { revision: 5, full: false, manifests: ["b", "c", "d"], deletions: ["gone-2", "gone-5"] },
    ]);
    assert.deepEqual(deltaUpdates(spec(), 5).updates, [], "up to date: nothing");
  });

  it("everything when it has nothing or is ahead of the Work (recreated)", () => {
    for (const acked of [0, 9])
      assert.deepEqual(resumeUpdates(spec(), acked).updates.map(names), [
        { revision: 5, full: true, manifests: ["a", "b", "c", "d"], deletions: ["gone-2", "gone-5"] },
      ]);
    assert.deepEqual(resumeUpdates(spec(), 4).updates.map(names), [
      { revision: 5, full: false, manifests: [], deletions: ["gone-5"] },
    ]);
    assert.deepEqual(JSON.parse(resumeUpdates(spec(), 4).updates[0].deletions_json), [
      { apiVersion: "v1", kind: "ConfigMap", namespace: "d", name: "gone-5", revision: 5, orphan: true },
    ]);
  });

  it("a delta too big for one update is cut at revision boundaries, each resumable", () => {
    const s: WorkSpec = {
      ...spec(),
      manifests: [cm("a", 1, 600), cm("b", 3, 600), cm("c", 4, 600), cm("d", 4, 600)],
    };
    const plan = deltaUpdates(s, 0, 1500);
    assert.equal(plan.oversize, undefined);
    assert.deepEqual(plan.updates.map(names), [
      { revision: 2, full: false, manifests: ["a"], deletions: ["gone-2"] },
      { revision: 3, full: false, manifests: ["b"], deletions: [] },
      { revision: 4, full: false, manifests: ["c", "d"], deletions: [] },
      { revision: 5, full: false, manifests: [], deletions: ["gone-5"] },
    ]);
    for (const u of plan.updates) assert.ok(u.manifests_json.length + u.deletions_json.length <= 1500);
  });

  it("a full too big goes as deltas above 0 to an empty agent, and not at all to one holding an older Work", () => {
    const s: WorkSpec = { ...spec(), manifests: [cm("a", 1, 600), cm("b", 3, 600), cm("c", 4, 600)] };
    assert.deepEqual(
      fullUpdates(s, 0, 1000).updates.map((u) => [u.revision, u.full]),
      [
        [2, false],
        [3, false],
        [5, false],
      ],
    );
    const refused = resumeUpdates(s, 42, 1000);
    assert.deepEqual(refused.updates, []);
    assert.match(refused.oversize ?? "", /cannot be split while the agent holds revision 42/);
    const single = deltaUpdates({ ...s, manifests: [cm("huge", 5, 5000)], deletions: [] }, 0, 1000);
    assert.equal(single.updates.length, 1);
    assert.match(single.oversize ?? "", /revision 5 alone is \d+ bytes/);
  });

  it("the same content unencoded for the push applier", () => {
    const full = workDelta(spec(), "full");
    assert.equal(full.full, true);
    assert.equal(full.manifests.length, 4);
    assert.equal(full.deletions.length, 2);
    const delta = workDelta(spec(), 4);
    assert.deepEqual(
      [delta.full, delta.revision, delta.manifests.length, delta.deletions.map((t) => t.name)],
      [false, 5, 0, ["gone-5"]],
    );
  });
});
