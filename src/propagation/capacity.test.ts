import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { estimateReplicas, podRequests } from "./capacity.ts";

describe("pod requests", () => {
  it("sum containers, take limits when requests are absent, and the largest init container when more", () => {
    const r = podRequests({
      initContainers: [
        { resources: { requests: { cpu: "3" } } },
        { resources: { requests: { memory: "100Mi" } } },
      ],
      containers: [
        { resources: { requests: { cpu: "500m", memory: "256Mi" } } },
        { resources: { limits: { cpu: "1", memory: "1Gi" } } },
        { resources: { requests: { cpu: 0.25 }, limits: { cpu: "2" } } },
        {},
      ],
    });
    assert.equal(r.cpu, 3_000_000_000n); // init 3 > 0.5 + 1 + 0.25
    assert.equal(r.memory, (256n + 1024n) * 1024n * 1024n * 1_000_000_000n);
  });

  it("are empty for a pod without any", () => {
    assert.deepEqual(podRequests(undefined), {});
    assert.deepEqual(podRequests({ containers: [{ name: "x" }] }), {});
  });
});

describe("estimating replicas that fit", () => {
  const requests = podRequests({ containers: [{ resources: { requests: { cpu: "500m", memory: "1Gi" } } }] });

  it("takes the tightest resource, and the pod count", () => {
    assert.equal(estimateReplicas({ cpu: "8", memory: "64Gi", pods: "110" }, requests), 16);
    assert.equal(estimateReplicas({ cpu: "8000m", memory: "3.5Gi", pods: "110" }, requests), 3);
    assert.equal(estimateReplicas({ cpu: "800", memory: "1Ti", pods: "20" }, requests), 20);
    assert.equal(estimateReplicas({ cpu: "8", memory: "64Gi", pods: "110" }, {}), 110);
  });

  it("is 0 when capacity is unknown or a needed resource is missing", () => {
    assert.equal(estimateReplicas(undefined, requests), 0);
    assert.equal(estimateReplicas({}, requests), 0);
    assert.equal(estimateReplicas({ cpu: "8", pods: "110" }, requests), 0);
    assert.equal(
      estimateReplicas({ cpu: "8", memory: "64Gi" }, { ...requests, "nvidia.com/gpu": 1_000_000_000n }),
      0,
    );
  });
});
