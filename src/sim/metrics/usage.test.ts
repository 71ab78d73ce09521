// The usage model behind the simulated metrics-server: loads from the faults, requests and
// limits, the per-pod spread, metrics-server's timing, and node sums.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { noFaults } from "../context.ts";
import { rfc3339 } from "../events/shapes.ts";
import { applyFaultPatch } from "../faults.ts";
import {
  DEFAULT_CPU_LOAD,
  DEFAULT_MEMORY_LOAD,
  loadKeys,
  NODE_SYSTEM_CPU,
  NODE_SYSTEM_MEMORY,
  nodeUsage,
  podUsage,
  SPREAD,
  sharers,
  spread,
} from "./usage.ts";

const T0 = Date.parse("2024-05-01T10:00:00Z");
const RES = 15_000;

function pod(
  name: string,
  o: {
    startedMs?: number;
    phase?: string;
    node?: string;
    ready?: boolean;
    requests?: Record<string, string>;
    limits?: Record<string, string>;
  } = {},
): KubeObject {
  const started = o.startedMs ?? T0 - 600_000;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: "shop",
      labels: { app: "web", "pod-template-hash": "5d7c9" },
      ownerReferences: [
        { apiVersion: "apps/v1", kind: "ReplicaSet", name: "web-5d7c9", uid: "rs", controller: true },
      ],
    },
    spec: {
      nodeName: o.node ?? "node-1",
      containers: [
        {
          name: "app",
          resources: { requests: o.requests ?? { cpu: "200m", memory: "100Mi" }, limits: o.limits },
        },
      ],
    },
    status: {
      phase: o.phase ?? "Running",
      conditions: [{ type: "Ready", status: o.ready === false ? "False" : "True" }],
      containerStatuses: [{ name: "app", state: { running: { startedAt: rfc3339(started) } } }],
    },
  };
}

const ctx = (patch = {}) => {
  const faults = noFaults();
  applyFaultPatch(faults, patch, ["node-1", "node-2"]);
  return { faults, resolutionMs: RES };
};

test("a pod's load is the first of pod, owner, Deployment and * the faults name, else the default", () => {
  const p = pod("web-5d7c9-abcde");
  assert.deepEqual(loadKeys(p), ["shop/web-5d7c9-abcde", "shop/web-5d7c9", "shop/web"]);
  const cpuOf = (patch: object) => podUsage(p, T0, ctx(patch))!.containers[0].cpuNanos;
  const at = (load: number) => Math.round(load * 0.2 * spread(p, "cpu") * 1e9);
  assert.equal(cpuOf({}), at(DEFAULT_CPU_LOAD));
  assert.equal(cpuOf({ cpuLoad: { "shop/web": 0.9 } }), at(0.9), "by Deployment");
  assert.equal(cpuOf({ cpuLoad: { "*": 0.5, "shop/other": 0.9 } }), at(0.5), "by *");
  assert.equal(
    cpuOf({ cpuLoad: { "*": 0.5, "shop/web-5d7c9": 0.3, "shop/web": 0.9 } }),
    at(0.3),
    "by ReplicaSet",
  );
  const memory = podUsage(p, T0, ctx({ memoryLoad: { "shop/web": 0.5 } }))!.containers[0].memoryBytes;
  assert.ok(Math.abs(memory - 0.5 * 100 * 2 ** 20 * spread(p, "memory")) < 4096, `memory ${memory}`);
  assert.equal(memory % 4096, 0, "whole pages");
  const idle = podUsage(p, T0, ctx())!.containers[0].memoryBytes;
  assert.ok(Math.abs(idle - DEFAULT_MEMORY_LOAD * 100 * 2 ** 20 * spread(p, "memory")) < 4096);
});

test("the spread is fixed per pod and within ±SPREAD", () => {
  const factors = Array.from({ length: 50 }, (_, i) => spread(pod(`web-${i}`), "cpu"));
  for (const f of factors) assert.ok(f >= 1 - SPREAD && f <= 1 + SPREAD, String(f));
  assert.ok(new Set(factors).size > 40, "replicas differ");
  assert.equal(spread(pod("web-1"), "cpu"), spread(pod("web-1"), "cpu"));
});

test("usage is capped at the limit; without a request the limit counts", () => {
  const capped = pod("a", { requests: { cpu: "100m" }, limits: { cpu: "150m", memory: "64Mi" } });
  const u = podUsage(capped, T0, ctx({ cpuLoad: { "*": 5 }, memoryLoad: { "*": 5 } }))!.containers[0];
  assert.equal(u.cpuNanos, 150_000_000);
  assert.equal(u.memoryBytes, 64 * 2 ** 20);
  const limitOnly = pod("b", { requests: {}, limits: { cpu: "1" } });
  const v = podUsage(limitOnly, T0, ctx({ cpuLoad: { "*": 0.5 } }))!.containers[0];
  assert.equal(v.cpuNanos, Math.round(0.5 * spread(limitOnly, "cpu") * 1e9));
});

test("metrics follow metrics-server's scrapes: two points, aligned timestamps, fresh windows", () => {
  const now = T0 + 7_000; // the last scrape was at T0
  const old = podUsage(pod("old"), now, ctx())!;
  assert.equal(old.timestampMs, T0);
  assert.equal(old.windowMs, RES);
  // Started 12 s before the last scrape: one fresh window since its start.
  assert.equal(podUsage(pod("fresh", { startedMs: T0 - 12_000 }), now, ctx())!.windowMs, 12_000);
  // Started 5 s before it: not even the 10 s metrics-server needs.
  assert.equal(podUsage(pod("new", { startedMs: T0 - 5_000 }), now, ctx()), undefined);
  // ...until the next scrape, when the previous point exists.
  assert.equal(podUsage(pod("new", { startedMs: T0 - 5_000 }), T0 + RES, ctx())!.windowMs, RES);
  assert.equal(podUsage(pod("pending", { phase: "Pending" }), now, ctx()), undefined);
  assert.equal(podUsage(pod("lost", { node: "node-2" }), now, ctx({ nodesNotReady: ["node-2"] })), undefined);
});

test("a node reports its pods plus the system's usage, none while its kubelet is stopped", () => {
  const node: KubeObject = {
    apiVersion: "v1",
    kind: "Node",
    metadata: { name: "node-1" },
    status: { capacity: { cpu: "4", memory: "8Gi" } },
  };
  const pods = [pod("a"), pod("b"), pod("young", { startedMs: T0 - 1000 })];
  const c = ctx({ cpuLoad: { "*": 1 } });
  const u = nodeUsage(node, pods, T0 + 1000, c)!;
  const sum = pods.slice(0, 2).reduce((s, p) => s + podUsage(p, T0 + 1000, c)!.containers[0].cpuNanos, 0);
  assert.equal(u.cpuNanos, Math.round(NODE_SYSTEM_CPU * 1e9) + sum);
  assert.ok(u.memoryBytes > NODE_SYSTEM_MEMORY);
  assert.equal(u.windowMs, RES);
  const busy = nodeUsage(node, pods, T0, ctx({ cpuLoad: { "*": 100 } }))!;
  assert.equal(busy.cpuNanos, 4e9, "capped at capacity");
  assert.equal(nodeUsage(node, pods, T0, ctx({ nodesNotReady: ["node-1"] })), undefined);
});

test("a {total} load is shared by the workload's ready pods", () => {
  const ready = [pod("web-5d7c9-a"), pod("web-5d7c9-b"), pod("web-5d7c9-c"), pod("web-5d7c9-d")];
  const others = [pod("web-5d7c9-e", { ready: false }), pod("web-5d7c9-f", { phase: "Pending" })];
  const all = [...ready, ...others];
  const c = { ...ctx({ cpuLoad: { "shop/web": { total: 2 } } }), sharers: sharers(all, noFaults()) };
  const p = ready[0];
  const cores = podUsage(p, T0, c)!.containers[0].cpuNanos / 1e9;
  assert.ok(
    Math.abs(cores - (2 / 4) * 0.2 * spread(p, "cpu")) < 1e-9,
    "half of the request: 2 pods' worth over 4",
  );
  const two = { ...c, sharers: sharers(ready.slice(0, 2), noFaults()) };
  assert.ok(Math.abs(podUsage(p, T0, two)!.containers[0].cpuNanos / 1e9 - 0.2 * spread(p, "cpu")) < 1e-9);
  // "*" shares within each pod's own workload.
  const star = { ...ctx({ cpuLoad: { "*": { total: 1 } } }), sharers: sharers(all, noFaults()) };
  assert.ok(
    Math.abs(podUsage(p, T0, star)!.containers[0].cpuNanos / 1e9 - 0.25 * 0.2 * spread(p, "cpu")) < 1e-9,
  );
});
