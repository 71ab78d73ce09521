import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { clusterObject } from "./cluster-fixtures.ts";
import { clusterSignatures, clusterView } from "./cluster-view.ts";

describe("cluster view", () => {
  it("reads topology from spec, then topology.kubernetes.io labels, then the short labels", () => {
    const v = clusterView(
      clusterObject("a", {
        labels: { "topology.kubernetes.io/region": "eu-west-1", zone: "eu-west-1a", provider: "aws" },
        spec: { region: "us-east-1" },
      }),
    );
    assert.equal(v.region, "us-east-1");
    assert.equal(v.zone, "eu-west-1a");
    assert.equal(v.provider, "aws");
    const w = clusterView(
      clusterObject("b", { labels: { "topology.kubernetes.io/zone": "z1", region: "r" } }),
    );
    assert.equal(w.zone, "z1");
    assert.equal(w.region, "r");
    assert.equal(w.provider, undefined);
  });

  it("accepts approved pull clusters and push clusters with an endpoint", () => {
    assert.equal(clusterView(clusterObject("a")).accepted, true);
    assert.equal(clusterView(clusterObject("a", { spec: { hubAcceptsClient: false } })).accepted, false);
    const push = clusterObject("p", {
      spec: { mode: "Push", hubAcceptsClient: undefined, apiEndpoint: "https://x" },
    });
    assert.equal(clusterView(push).accepted, true);
    const pushNoEndpoint = clusterObject("p", { spec: { mode: "Push", hubAcceptsClient: undefined } });
    assert.equal(clusterView(pushNoEndpoint).accepted, false);
  });

  it("reads taints, deletion, Ready since its last transition, and allocatable", () => {
    const c = clusterObject("a", {
      spec: { taints: [{ key: "k", value: "v", effect: "NoExecute", timeAdded: "2026-01-01T00:00:00Z" }] },
      status: {
        conditions: [{ type: "Ready", status: "Unknown", lastTransitionTime: "2026-01-01T00:01:00Z" }],
        allocatable: { cpu: "8", memory: "32Gi", pods: "110" },
      },
    });
    c.metadata.deletionTimestamp = "2026-01-02T00:00:00Z";
    const v = clusterView(c);
    assert.deepEqual(v.taints, [
      { key: "k", value: "v", effect: "NoExecute", timeAdded: Date.parse("2026-01-01T00:00:00Z") },
    ]);
    assert.equal(v.deleting, true);
    assert.deepEqual(v.ready, { status: "Unknown", since: Date.parse("2026-01-01T00:01:00Z") });
    assert.deepEqual(v.allocatable, { cpu: "8", memory: "32Gi", pods: "110" });
  });

  it("heartbeats change no signature; labels, readiness and capacity each change their own", () => {
    const status = (beat: string, ready = "True", cpu = "8") => ({
      lastHeartbeatTime: beat,
      nodes: { total: 3, ready: 3 },
      conditions: [{ type: "Ready", status: ready, lastTransitionTime: "2026-01-01T00:00:00Z" }],
      allocatable: { cpu },
    });
    const base = clusterSignatures(
      clusterView(clusterObject("a", { labels: { b: "1", a: "2" }, status: status("t1") })),
    );
    const beat = clusterSignatures(
      clusterView(clusterObject("a", { labels: { a: "2", b: "1" }, status: status("t2") })),
    );
    assert.deepEqual(beat, base);
    const relabelled = clusterSignatures(
      clusterView(clusterObject("a", { labels: { a: "3", b: "1" }, status: status("t2") })),
    );
    assert.notEqual(relabelled.placement, base.placement);
    const down = clusterSignatures(
      clusterView(clusterObject("a", { labels: { a: "2", b: "1" }, status: status("t3", "Unknown") })),
    );
    assert.equal(down.placement, base.placement);
    assert.notEqual(down.readiness, base.readiness);
    const bigger = clusterSignatures(
      clusterView(clusterObject("a", { labels: { a: "2", b: "1" }, status: status("t3", "True", "16") })),
    );
    assert.notEqual(bigger.capacity, base.capacity);
    assert.equal(bigger.readiness, base.readiness);
  });
});
