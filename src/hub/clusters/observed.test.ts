import assert from "node:assert/strict";
import { test } from "node:test";
import { ObservedStatusError, observedFromJson } from "./observed.ts";

test("takes what the collector produces, as is", () => {
  const sent = {
    kubernetesVersion: "v1.29.4",
    nodes: { total: 3, ready: 2 },
    capacity: { cpu: "20", memory: "82535576Ki", pods: "330" },
    allocatable: { cpu: "19400m" },
    components: {
      etcdVersion: "3.5.12",
      cni: { name: "calico", version: "v3.27.2" },
      kubeProxyMode: "ipvs",
      coreDNSReplicas: { desired: 2, ready: 1 },
      mtu: { "*": 1440, "worker-2": 1400 },
    },
    notes: ["list daemonsets: forbidden (HTTP 403)"],
    observedAt: "2026-01-01T00:00:00.000Z",
  };
  assert.deepEqual(observedFromJson(JSON.stringify(sent)), sent);
});

test("drops malformed or oversized fields, names them, and keeps the rest", () => {
  const o = observedFromJson(
    JSON.stringify({
      kubernetesVersion: 129,
      nodes: { total: -1, ready: 0 },
      capacity: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`r${i}`, "1"])),
      allocatable: { cpu: "4" },
      components: {
        etcdVersion: "x".repeat(1000),
        cni: { name: "cilium" },
        mtu: { n1: "1500" },
        extra: "ignored",
      },
      status: { conditions: [{ type: "Ready", status: "True" }] },
    }),
  );
  assert.equal(o.kubernetesVersion, undefined);
  assert.equal(o.nodes, undefined);
  assert.equal(o.capacity, undefined);
  assert.deepEqual(o.allocatable, { cpu: "4" });
  assert.deepEqual(o.components, { cni: { name: "cilium" } });
  assert.match(
    o.notes.at(-1)!,
    /dropped malformed fields from the agent: kubernetesVersion, nodes, capacity, components.etcdVersion, components.mtu/,
  );
  assert.ok(!("status" in o));
  assert.throws(() => observedFromJson("not json"), ObservedStatusError);
  assert.throws(() => observedFromJson("[1,2]"), /must be a JSON object/);
});
