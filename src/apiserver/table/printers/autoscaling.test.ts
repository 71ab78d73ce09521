// kubectl get hpa: the columns and the TARGETS cell as kube-apiserver prints them, for v2 and
// for v1 objects (printed through their v2 form).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { toTable } from "../table.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");

function row(obj: KubeObject) {
  const table = toTable([obj], { group: "autoscaling", kind: "HorizontalPodAutoscaler", now: NOW });
  return { columns: table.columnDefinitions.map((c) => c.name), cells: table.rows[0].cells };
}

const meta = { name: "web", namespace: "shop", creationTimestamp: "2024-05-01T11:55:00Z" };
const ref = { apiVersion: "apps/v1", kind: "Deployment", name: "web" };
const v2 = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
  apiVersion: "autoscaling/v2",
  kind: "HorizontalPodAutoscaler",
  metadata: meta,
  spec: { scaleTargetRef: ref, ...spec },
  status,
});
const cpu = (averageUtilization: number) => ({
  type: "Resource",
  resource: { name: "cpu", target: { type: "Utilization", averageUtilization } },
});

describe("HorizontalPodAutoscaler printer", () => {
  it("prints REFERENCE, TARGETS, MINPODS, MAXPODS, REPLICAS and AGE", () => {
    const { columns, cells } = row(v2({ minReplicas: 1, maxReplicas: 3, metrics: [cpu(80)] }));
    assert.deepEqual(columns, ["Name", "Reference", "Targets", "MinPods", "MaxPods", "Replicas", "Age"]);
    assert.deepEqual(cells, ["web", "Deployment/web", "cpu: <unknown>/80%", "1", 3, 0, "5m"]);
  });

  it("shows current values, value targets, and at most two targets", () => {
    const memory = {
      type: "Resource",
      resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } },
    };
    const pods = {
      type: "Pods",
      pods: { metric: { name: "rps" }, target: { type: "AverageValue", averageValue: "10" } },
    };
    const { cells } = row(
      v2(
        { maxReplicas: 9, metrics: [cpu(60), memory, pods] },
        {
          currentReplicas: 4,
          currentMetrics: [
            {
              type: "Resource",
              resource: { name: "cpu", current: { averageUtilization: 42, averageValue: "120m" } },
            },
            { type: "Resource", resource: { name: "memory", current: { averageValue: "300Mi" } } },
          ],
        },
      ),
    );
    assert.deepEqual(cells.slice(2, 6), ["cpu: 42%/60%, memory: 300Mi/500Mi + 1 more...", "<unset>", 9, 4]);
  });

  it("prints an autoscaling/v1 object as its v2 form", () => {
    const { cells } = row({
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: meta,
      spec: { scaleTargetRef: ref, minReplicas: 2, maxReplicas: 5, targetCPUUtilizationPercentage: 70 },
      status: { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 35 },
    });
    assert.deepEqual(cells.slice(1, 6), ["Deployment/web", "cpu: 35%/70%", "2", 5, 2]);
  });
});
