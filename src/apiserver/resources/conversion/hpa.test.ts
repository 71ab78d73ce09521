// The HorizontalPodAutoscaler conversion kube-apiserver performs between autoscaling/v1 and v2:
// the cpu target both ways, the explicit default, and v2-only content surviving a v1 round trip.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import {
  BEHAVIOR_ANNOTATION,
  CONDITIONS_ANNOTATION,
  CURRENT_METRICS_ANNOTATION,
  hpaToV1,
  hpaToV2,
  METRICS_ANNOTATION,
} from "./hpa.ts";

const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };
const meta = { name: "web", namespace: "default", uid: "u1" };

function v1(spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject {
  return {
    apiVersion: "autoscaling/v1",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...meta },
    spec,
    status,
  };
}

const cpu = (averageUtilization: number) => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization } },
});

test("v1 targetCPUUtilizationPercentage is v2's Resource cpu Utilization metric, and back", () => {
  const stored = hpaToV2(
    v1({ scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, targetCPUUtilizationPercentage: 70 }),
  );
  assert.equal(stored.apiVersion, "autoscaling/v2");
  assert.deepEqual(stored.spec, { scaleTargetRef: ref, minReplicas: 1, maxReplicas: 3, metrics: [cpu(70)] });
  assert.equal(stored.status, undefined, "v1's zero counts are no status");
  assert.equal(stored.metadata.annotations, undefined);

  const back = hpaToV1(stored);
  assert.equal(back.apiVersion, "autoscaling/v1");
  assert.deepEqual(back.spec, {
    scaleTargetRef: ref,
    minReplicas: 1,
    maxReplicas: 3,
    targetCPUUtilizationPercentage: 70,
  });
  assert.deepEqual(back.status, { currentReplicas: 0, desiredReplicas: 0 });
  assert.equal(back.metadata.annotations, undefined);
});

test("a v1 HPA without a target gets the 80% cpu default, stated explicitly in v2", () => {
  const stored = hpaToV2(v1({ scaleTargetRef: ref, maxReplicas: 5 }));
  assert.deepEqual((stored.spec as { metrics: unknown }).metrics, [cpu(80)]);
  assert.equal(
    (hpaToV1(stored).spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage,
    80,
  );
});

test("v1's current cpu utilization is v2's current Resource metric, and back", () => {
  const stored = hpaToV2(
    v1(
      { scaleTargetRef: ref, maxReplicas: 5, targetCPUUtilizationPercentage: 50 },
      { currentReplicas: 2, desiredReplicas: 3, currentCPUUtilizationPercentage: 64, observedGeneration: 1 },
    ),
  );
  assert.deepEqual(stored.status, {
    observedGeneration: 1,
    currentReplicas: 2,
    desiredReplicas: 3,
    currentMetrics: [{ type: "Resource", resource: { name: "cpu", current: { averageUtilization: 64 } } }],
  });
  const back = hpaToV1(stored);
  assert.equal(
    (back.status as { currentCPUUtilizationPercentage: number }).currentCPUUtilizationPercentage,
    64,
  );
  // The raw current metrics ride along in their annotation.
  assert.deepEqual(JSON.parse(back.metadata.annotations![CURRENT_METRICS_ANNOTATION]), [
    { type: "Resource", resource: { name: "cpu", currentAverageUtilization: 64, currentAverageValue: "0" } },
  ]);
});

test("what v1 cannot express rides in annotations, so v2 -> v1 -> v2 is exact", () => {
  const memory = {
    type: "Resource",
    resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } },
  };
  const pods = {
    type: "Pods",
    pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: "10" } },
  };
  const behavior = { scaleDown: { stabilizationWindowSeconds: 60 } };
  const conditions = [
    {
      type: "AbleToScale",
      status: "True",
      reason: "SucceededGetScale",
      message: "ok",
      lastTransitionTime: "2024-01-01T00:00:00Z",
    },
  ];
  const currentMetrics = [
    { type: "Resource", resource: { name: "memory", current: { averageValue: "300Mi" } } },
    {
      type: "Resource",
      resource: { name: "cpu", current: { averageValue: "100m", averageUtilization: 40 } },
    },
  ];
  const original: KubeObject = {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { ...meta, annotations: { team: "a" } },
    spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 9, metrics: [memory, pods, cpu(60)], behavior },
    status: { currentReplicas: 4, desiredReplicas: 4, currentMetrics, conditions },
  };
  const asV1 = hpaToV1(original);
  const a = asV1.metadata.annotations!;
  assert.equal(a.team, "a");
  assert.deepEqual(JSON.parse(a[METRICS_ANNOTATION]), [
    { type: "Resource", resource: { name: "memory", targetAverageValue: "500Mi" } },
    { type: "Pods", pods: { metricName: "rps", targetAverageValue: "10" } },
  ]);
  assert.deepEqual(JSON.parse(a[CONDITIONS_ANNOTATION]), conditions);
  assert.deepEqual(JSON.parse(a[BEHAVIOR_ANNOTATION]), behavior);
  assert.equal((asV1.spec as { targetCPUUtilizationPercentage: number }).targetCPUUtilizationPercentage, 60);
  assert.equal(
    (asV1.status as { currentCPUUtilizationPercentage: number }).currentCPUUtilizationPercentage,
    40,
  );

  const again = hpaToV2(asV1);
  // v1 lists the other metrics first and the cpu target last, as Kubernetes does.
  assert.deepEqual(again, original);
});

test("conversion leaves its input alone and passes other versions through", () => {
  const input = v1({ scaleTargetRef: ref, maxReplicas: 2, targetCPUUtilizationPercentage: 10 });
  const copy = structuredClone(input);
  hpaToV2(input);
  assert.deepEqual(input, copy);
  assert.equal(hpaToV1(input), input, "already v1");
  assert.equal(hpaToV2(hpaToV2(input)).apiVersion, "autoscaling/v2");
});
