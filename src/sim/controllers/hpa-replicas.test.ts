// The HPA's replica calculator, case by case as replica_calculator.go decides: plain
// utilization, the tolerance, missing and unready pods on the way up and down, CPU warm-up,
// missing requests, average-value targets and single containers.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { rfc3339 } from "../events/shapes.ts";
import {
  type CalculatorOptions,
  DEFAULT_CALCULATOR,
  type PodMetrics,
  rawResourceReplicas,
  resourceReplicas,
} from "./hpa-replicas.ts";

const NOW = Date.parse("2024-05-01T10:00:00Z");
const o: CalculatorOptions = { ...DEFAULT_CALCULATOR, nowMs: NOW };

interface PodOpts {
  phase?: string;
  ready?: "True" | "False";
  /** How long ago the pod started / became (un)ready. */
  startedAgo?: number;
  readyAgo?: number;
  deleted?: boolean;
  cpu?: string | null;
  memory?: string;
}

function pod(name: string, p: PodOpts = {}): KubeObject {
  const requests: Record<string, string> = {};
  if (p.cpu !== null) requests.cpu = p.cpu ?? "1";
  if (p.memory) requests.memory = p.memory;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "default", ...(p.deleted ? { deletionTimestamp: rfc3339(NOW) } : {}) },
    spec: { containers: [{ name: "app", resources: { requests } }] },
    status: {
      phase: p.phase ?? "Running",
      startTime: rfc3339(NOW - (p.startedAgo ?? 3_600_000)),
      conditions: [
        {
          type: "Ready",
          status: p.ready ?? "True",
          lastTransitionTime: rfc3339(NOW - (p.readyAgo ?? 3_500_000)),
        },
      ],
    },
  };
}

/** Metrics (milli-values) for the named pods, scraped 5 s ago over a 15 s window. */
const metrics = (values: Record<string, number>): PodMetrics =>
  new Map(
    Object.entries(values).map(([n, value]) => [n, { timestampMs: NOW - 5000, windowMs: 15_000, value }]),
  );

const pods = (n: number, p: PodOpts = {}) => Array.from({ length: n }, (_, i) => pod(`p${i}`, p));

test("utilization above the target scales up, below it down", () => {
  const up = resourceReplicas(3, 30, "cpu", "", pods(3), metrics({ p0: 300, p1: 500, p2: 700 }), o);
  assert.deepEqual(up, { replicas: 5, utilization: 50, rawAverage: 500, timestampMs: NOW - 5000 });
  const five = pods(5);
  const down = resourceReplicas(
    5,
    50,
    "cpu",
    "",
    five,
    metrics({ p0: 100, p1: 300, p2: 500, p3: 250, p4: 250 }),
    o,
  );
  assert.equal(down.replicas, 3);
  assert.equal(down.utilization, 28);
});

test("a change within the 10% tolerance keeps the current count", () => {
  const r = resourceReplicas(3, 100, "cpu", "", pods(3), metrics({ p0: 1010, p1: 1030, p2: 1020 }), o);
  assert.equal(r.utilization, 102);
  assert.equal(r.replicas, 3);
  assert.equal(
    resourceReplicas(3, 100, "cpu", "", pods(3), metrics({ p0: 1110, p1: 1110, p2: 1110 }), o).replicas,
    4,
  );
});

test("missing pods count as 0% on the way up and 100% on the way down", () => {
  const up = resourceReplicas(4, 50, "cpu", "", pods(4), metrics({ p0: 900, p1: 900, p2: 900 }), o);
  assert.equal(up.utilization, 90, "reported over the pods that have metrics");
  assert.equal(up.replicas, 6, "2700m over 4 pods is 67%: ceil(4 × 1.35)");
  const down = resourceReplicas(4, 50, "cpu", "", pods(4), metrics({ p0: 100, p1: 100, p2: 100 }), o);
  assert.equal(down.replicas, 3, "1300m over 4 pods is 32%: ceil(4 × 0.64)");
  // The missing pod would turn a scale-down into a scale-up: nothing changes.
  const flip = resourceReplicas(2, 100, "cpu", "", pods(2), metrics({ p0: 800 }), o);
  assert.equal(flip.replicas, 2);
});

test("unready CPU pods count as 0% on the way up and not at all on the way down", () => {
  const mixed = [pod("p0"), pod("p1"), pod("p2", { ready: "False", startedAgo: 60_000, readyAgo: 1000 })];
  const up = resourceReplicas(3, 50, "cpu", "", mixed, metrics({ p0: 900, p1: 900, p2: 900 }), o);
  assert.equal(up.replicas, 4, "1800m over 3 pods is 60%: ceil(3 × 1.2)");
  const down = resourceReplicas(3, 50, "cpu", "", mixed, metrics({ p0: 100, p1: 100, p2: 900 }), o);
  assert.equal(down.replicas, 1, "only the ready pods: ceil(2 × 0.2)");
  // Past the warm-up, a pod that was ready once counts even while not ready...
  const wasReady = [pod("p0"), pod("p1"), pod("p2", { ready: "False", readyAgo: 1000 })];
  assert.equal(
    resourceReplicas(3, 50, "cpu", "", wasReady, metrics({ p0: 900, p1: 900, p2: 900 }), o).replicas,
    6,
  );
  // ...but one that never got ready after starting does not.
  const never = [pod("p0"), pod("p1"), pod("p2", { ready: "False", readyAgo: 3_600_000 - 10_000 })];
  assert.equal(
    resourceReplicas(3, 50, "cpu", "", never, metrics({ p0: 900, p1: 900, p2: 900 }), o).replicas,
    4,
  );
  // Memory has no warm-up: the not-ready pod counts as it is.
  const mem = [pod("p0", { memory: "1Gi" }), pod("p1", { memory: "1Gi", ready: "False", startedAgo: 1000 })];
  const gib = 2 ** 30 * 1000;
  assert.equal(resourceReplicas(2, 50, "memory", "", mem, metrics({ p0: gib, p1: gib }), o).replicas, 4);
});

test("a warming-up CPU pod is ignored until a full window was measured after it got ready", () => {
  const young = (readyAgo: number) => [pod("p0"), pod("p1", { startedAgo: 60_000, readyAgo })];
  const m = metrics({ p0: 1000, p1: 1000 });
  assert.equal(resourceReplicas(2, 30, "cpu", "", young(30_000), m, o).replicas, 7, "measured: 100% counts");
  assert.equal(resourceReplicas(2, 30, "cpu", "", young(10_000), m, o).replicas, 4, "too fresh: 0%, so 50%");
});

test("pending pods wait, deleted and failed ones are ignored", () => {
  const list = [
    pod("p0"),
    pod("p1", { phase: "Pending" }),
    pod("p2", { deleted: true }),
    pod("p3", { phase: "Failed" }),
  ];
  assert.equal(resourceReplicas(1, 50, "cpu", "", list, metrics({ p0: 200, p2: 5000 }), o).replicas, 1);
});

test("errors say what is wrong, as upstream does", () => {
  assert.throws(
    () => resourceReplicas(2, 50, "cpu", "", [pod("p0", { cpu: null })], metrics({ p0: 1 }), o),
    /^Error: missing request for cpu in container app of Pod p0$/,
  );
  assert.throws(
    () => resourceReplicas(2, 50, "cpu", "", [pod("p0", { phase: "Pending" })], metrics({}), o),
    /did not receive metrics for targeted pods \(pods might be unready\)/,
  );
  assert.throws(() => resourceReplicas(2, 50, "cpu", "", [], metrics({}), o), /no pods returned by selector/);
  assert.throws(
    () => resourceReplicas(2, 50, "cpu", "sidecar", pods(1), metrics({ p0: 1 }), o),
    /container sidecar not found in Pod p0/,
  );
});

test("an average-value target divides the average usage by the target", () => {
  const mi = 2 ** 20 * 1000;
  const two = pods(2, { memory: "1Gi" });
  const r = rawResourceReplicas(2, 200 * mi, "memory", two, metrics({ p0: 300 * mi, p1: 500 * mi }), o);
  assert.deepEqual(r, { replicas: 4, rawAverage: 400 * mi, timestampMs: NOW - 5000 });
  assert.equal(
    rawResourceReplicas(2, 400 * mi, "memory", two, metrics({ p0: 380 * mi, p1: 400 * mi }), o).replicas,
    2,
  );
  // A missing pod uses exactly the target on the way down.
  const down = rawResourceReplicas(
    3,
    400 * mi,
    "memory",
    pods(3),
    metrics({ p0: 100 * mi, p1: 100 * mi }),
    o,
  );
  assert.equal(down.replicas, 2, "(100+100+400)/3 = 200: ceil(3 × 0.5)");
});
