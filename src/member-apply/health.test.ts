import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { healthOf } from "./health.ts";
import { orderGroup } from "./order.ts";

const obj = (
  apiVersion: string,
  kind: string,
  spec: unknown,
  status: unknown,
  generation = 2,
): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: "x", generation },
  spec,
  status,
});

test("workloads are Healthy once their controller saw the generation and enough replicas are available", () => {
  const full = {
    observedGeneration: 2,
    replicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    updatedReplicas: 3,
  };
  assert.deepEqual(healthOf(obj("apps/v1", "Deployment", { replicas: 3 }, full)), {
    health: "Healthy",
    replicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    updatedReplicas: 3,
  });
  assert.equal(
    healthOf(obj("apps/v1", "Deployment", { replicas: 3 }, { ...full, observedGeneration: 1 })).health,
    "Unknown",
  );
  assert.equal(
    healthOf(obj("apps/v1", "Deployment", { replicas: 3 }, { ...full, availableReplicas: 2 })).health,
    "Unhealthy",
  );
  assert.equal(
    healthOf(obj("apps/v1", "Deployment", { replicas: 3 }, { ...full, updatedReplicas: 1 })).health,
    "Unhealthy",
  );
  assert.equal(
    healthOf(obj("apps/v1", "Deployment", { replicas: 0 }, { observedGeneration: 2 })).health,
    "Healthy",
  );
  assert.equal(healthOf(obj("apps/v1", "Deployment", {}, undefined)).health, "Unknown");
  // A StatefulSet without availableReplicas (older Kubernetes) counts ready ones.
  const sts = { observedGeneration: 2, replicas: 2, readyReplicas: 2, updatedReplicas: 2 };
  assert.equal(healthOf(obj("apps/v1", "StatefulSet", { replicas: 2 }, sts)).health, "Healthy");
  assert.equal(
    healthOf(
      obj(
        "apps/v1",
        "ReplicaSet",
        { replicas: 2 },
        { observedGeneration: 2, replicas: 2, availableReplicas: 2 },
      ),
    ).health,
    "Healthy",
  );
});

test("DaemonSets, Jobs, PVCs and everything else", () => {
  const ds = {
    observedGeneration: 2,
    desiredNumberScheduled: 4,
    numberReady: 4,
    numberAvailable: 4,
    updatedNumberScheduled: 4,
  };
  assert.deepEqual(healthOf(obj("apps/v1", "DaemonSet", {}, ds)), {
    health: "Healthy",
    replicas: 4,
    readyReplicas: 4,
    availableReplicas: 4,
    updatedReplicas: 4,
  });
  assert.equal(healthOf(obj("apps/v1", "DaemonSet", {}, { ...ds, numberAvailable: 3 })).health, "Unhealthy");
  const job = (type: string) => obj("batch/v1", "Job", {}, { conditions: [{ type, status: "True" }] });
  assert.equal(healthOf(job("Complete")).health, "Healthy");
  assert.equal(healthOf(job("Failed")).health, "Unhealthy");
  assert.equal(healthOf(obj("batch/v1", "Job", {}, {})).health, "Unknown");
  assert.equal(healthOf(obj("v1", "PersistentVolumeClaim", {}, { phase: "Bound" })).health, "Healthy");
  assert.equal(healthOf(obj("v1", "PersistentVolumeClaim", {}, { phase: "Pending" })).health, "Unknown");
  assert.deepEqual(healthOf(obj("v1", "ConfigMap", undefined, undefined)), { health: "Healthy" });
});

test("order groups: namespaces and CRDs, then configuration and RBAC, then the rest", () => {
  assert.equal(orderGroup({ apiVersion: "v1", kind: "Namespace" }), 0);
  assert.equal(orderGroup({ apiVersion: "apiextensions.k8s.io/v1", kind: "CustomResourceDefinition" }), 0);
  assert.equal(orderGroup({ apiVersion: "v1", kind: "Secret" }), 1);
  assert.equal(orderGroup({ apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRoleBinding" }), 1);
  assert.equal(orderGroup({ apiVersion: "apps/v1", kind: "Deployment" }), 2);
  assert.equal(
    orderGroup({ apiVersion: "example.com/v1", kind: "Secret" }),
    2,
    "a CR named like a core kind",
  );
});
