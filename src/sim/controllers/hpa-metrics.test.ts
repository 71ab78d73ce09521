// An HPA's metrics → one proposal, as computeReplicasForMetrics: the largest proposal wins,
// statuses line up with spec.metrics, a failing metric only blocks a scale-down, and each
// metric type fails (or reports) with upstream's reasons and texts.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { noFaults } from "../context.ts";
import { rfc3339 } from "../events/shapes.ts";
import { type MetricSpec, replicasForMetrics, type Warning } from "./hpa-metrics.ts";
import { DEFAULT_CALCULATOR } from "./hpa-replicas.ts";

const NOW = Date.parse("2024-05-01T10:00:00Z");
const LONG_AGO = rfc3339(NOW - 3_600_000);

function pod(name: string): KubeObject {
  const container = (n: string, cpu: string, memory: string) => ({
    name: n,
    resources: { requests: { cpu, memory } },
  });
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name, namespace: "shop", labels: { app: "web" } },
    spec: {
      nodeName: "node-1",
      containers: [container("app", "200m", "100Mi"), container("proxy", "100m", "50Mi")],
    },
    status: {
      phase: "Running",
      startTime: LONG_AGO,
      conditions: [{ type: "Ready", status: "True", lastTransitionTime: LONG_AGO }],
      containerStatuses: ["app", "proxy"].map((n) => ({
        name: n,
        state: { running: { startedAt: LONG_AGO } },
      })),
    },
  };
}

const cpu = (averageUtilization: number): MetricSpec => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization } },
});
const podsMetric: MetricSpec = { type: "Pods", pods: { metric: { name: "requests_per_second" } } };

function run(metrics: MetricSpec[], load: number, specReplicas = 2) {
  const faults = noFaults();
  faults.cpuLoad.set("*", load);
  faults.memoryLoad.set("*", load);
  const warnings: Warning[] = [];
  const out = replicasForMetrics({
    metrics,
    namespace: "shop",
    specReplicas,
    pods: [pod("web-a"), pod("web-b")],
    usage: { faults },
    calculator: { ...DEFAULT_CALCULATOR, nowMs: NOW },
    warn: (w) => warnings.push(w),
  });
  return { ...out, warnings };
}

test("the largest proposal wins; statuses follow spec.metrics", () => {
  const r = run([cpu(90), cpu(30)], 0.6);
  assert.ok(r.replicas === 4 || r.replicas === 5, String(r.replicas));
  assert.equal(r.metric, "cpu resource utilization (percentage of request)");
  assert.equal(r.statuses.length, 2);
  assert.equal((r.statuses[0] as { type: string }).type, "Resource");
  assert.deepEqual(r.condition, {
    type: "ScalingActive",
    status: "True",
    reason: "ValidMetricFound",
    message:
      "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
  });
  assert.equal(r.error, undefined);
});

test("a failing metric is reported but does not stop a scale-up; it does stop a scale-down", () => {
  const up = run([cpu(30), podsMetric], 0.6);
  assert.ok(up.replicas > 2);
  assert.deepEqual(up.statuses[1], { type: "" }, "the failed metric's status stays empty");
  const message =
    "unable to get metric requests_per_second: unable to fetch metrics from custom metrics API: no custom metrics API (custom.metrics.k8s.io) registered";
  assert.deepEqual(up.warnings, [{ reason: "FailedGetPodsMetric", message }]);
  assert.equal(
    up.error,
    `invalid metrics (1 invalid out of 2), first error is: failed to get pods metric value: ${message}`,
  );
  assert.equal(up.condition.reason, "ValidMetricFound");

  const down = run([cpu(90), podsMetric], 0.1);
  assert.equal(down.replicas, -1);
  assert.equal(down.condition.status, "False");
  assert.equal(down.condition.reason, "FailedGetPodsMetric");
  assert.equal(down.condition.message, `the HPA was unable to compute the replica count: ${message}`);
});

test("AverageValue and ContainerResource targets report what upstream reports", () => {
  const memory: MetricSpec = {
    type: "Resource",
    resource: { name: "memory", target: { type: "AverageValue", averageValue: "50Mi" } },
  };
  const r = run([memory], 0.5);
  assert.equal(r.metric, "memory resource");
  const current = (r.statuses[0] as { resource: { current: { averageValue: string } } }).resource.current;
  assert.match(current.averageValue, /^\d+$/, "a milli-quantity of bytes prints as a plain number");
  assert.ok(r.replicas >= 2);

  const proxy: MetricSpec = {
    type: "ContainerResource",
    containerResource: {
      name: "cpu",
      container: "proxy",
      target: { type: "Utilization", averageUtilization: 50 },
    },
  };
  const c = run([proxy], 0.9);
  assert.equal(c.metric, "cpu container resource utilization (percentage of request)");
  const status = c.statuses[0] as {
    containerResource: { container: string; current: { averageUtilization: number } };
  };
  assert.equal(status.containerResource.container, "proxy");
  assert.ok(status.containerResource.current.averageUtilization >= 81);

  const missing = run(
    [{ ...proxy, containerResource: { ...proxy.containerResource, container: "nope" } }],
    0.9,
  );
  assert.equal(missing.condition.reason, "FailedGetContainerResourceMetric");
  assert.match(missing.condition.message, /container nope not present in metrics for pod shop\/web-a$/);
});

test("no target and unknown types fail with upstream's texts", () => {
  const none = run([{ type: "Resource", resource: { name: "cpu", target: { type: "Utilization" } } }], 0.5);
  assert.equal(
    none.warnings[0].message,
    "invalid resource metric source: neither an average utilization target nor an average value (usage) target was set",
  );
  const external = run([{ type: "External", external: { metric: { name: "queue" } } }], 0.5);
  assert.equal(external.condition.reason, "FailedGetExternalMetric");
  assert.match(
    external.warnings[0].message,
    /no external metrics API \(external\.metrics\.k8s\.io\) registered/,
  );
});
