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

test("Deployments as a real controller reports a rollout: old replicas left, progress deadline exceeded", () => {
  const done = {
    observedGeneration: 2,
    replicas: 3,
    readyReplicas: 3,
    availableReplicas: 3,
    updatedReplicas: 3,
  };
  // Mid-rollout with maxSurge: 3 new ones available, one old one still there.
  const surge = { ...done, replicas: 4, readyReplicas: 4, availableReplicas: 4 };
  assert.equal(healthOf(obj("apps/v1", "Deployment", { replicas: 3 }, surge)).health, "Unhealthy");
  const stuck = {
    ...done,
    availableReplicas: 2,
    conditions: [
      { type: "Available", status: "False", reason: "MinimumReplicasUnavailable" },
      {
        type: "Progressing",
        status: "False",
        reason: "ProgressDeadlineExceeded",
        message: 'ReplicaSet "web-7c9f" has timed out progressing.',
      },
    ],
  };
  assert.deepEqual(healthOf(obj("apps/v1", "Deployment", { replicas: 3 }, stuck)), {
    health: "Unhealthy",
    replicas: 3,
    readyReplicas: 3,
    availableReplicas: 2,
    updatedReplicas: 3,
    message: 'ProgressDeadlineExceeded: ReplicaSet "web-7c9f" has timed out progressing.',
  });
});

test("StatefulSets: revisions, a partition, OnDelete", () => {
  const base = { observedGeneration: 2, replicas: 3, readyReplicas: 3, availableReplicas: 3 };
  const sts = (spec: Record<string, unknown>, status: Record<string, unknown>) =>
    healthOf(obj("apps/v1", "StatefulSet", { replicas: 3, ...spec }, { ...base, ...status })).health;
  // The controller moves currentRevision to updateRevision once the rollout is complete.
  assert.equal(
    sts({}, { updatedReplicas: 3, currentRevision: "web-1", updateRevision: "web-2" }),
    "Unhealthy",
  );
  assert.equal(sts({}, { updatedReplicas: 3, currentRevision: "web-2", updateRevision: "web-2" }), "Healthy");
  // A partition leaves the pods below it on the old revision on purpose.
  const partitioned = { updateStrategy: { type: "RollingUpdate", rollingUpdate: { partition: 2 } } };
  assert.equal(
    sts(partitioned, { updatedReplicas: 1, currentRevision: "web-1", updateRevision: "web-2" }),
    "Healthy",
  );
  assert.equal(
    sts(partitioned, { updatedReplicas: 0, currentRevision: "web-1", updateRevision: "web-2" }),
    "Unhealthy",
  );
  // OnDelete: pods change only when someone deletes them; nothing to wait for.
  assert.equal(
    sts(
      { updateStrategy: { type: "OnDelete" } },
      { updatedReplicas: 0, currentRevision: "a", updateRevision: "b" },
    ),
    "Healthy",
  );
  assert.equal(sts({}, { readyReplicas: 2, availableReplicas: 2, updatedReplicas: 3 }), "Unhealthy");
});

test("DaemonSets with OnDelete, and Jobs' 1.31 conditions", () => {
  const ds = { observedGeneration: 2, desiredNumberScheduled: 2, numberReady: 2, numberAvailable: 2 };
  assert.equal(
    healthOf(obj("apps/v1", "DaemonSet", {}, { ...ds, updatedNumberScheduled: 0 })).health,
    "Unhealthy",
  );
  assert.equal(
    healthOf(
      obj(
        "apps/v1",
        "DaemonSet",
        { updateStrategy: { type: "OnDelete" } },
        { ...ds, updatedNumberScheduled: 0 },
      ),
    ).health,
    "Healthy",
  );
  const job = (conditions: unknown[]) => healthOf(obj("batch/v1", "Job", {}, { conditions }));
  assert.equal(job([{ type: "SuccessCriteriaMet", status: "True" }]).health, "Healthy");
  assert.deepEqual(
    job([
      {
        type: "FailureTarget",
        status: "True",
        reason: "BackoffLimitExceeded",
        message: "Job has reached the specified backoff limit",
      },
    ]),
    {
      health: "Unhealthy",
      message: "BackoffLimitExceeded: Job has reached the specified backoff limit",
    },
  );
  assert.equal(job([{ type: "Suspended", status: "True" }]).health, "Unknown");
});

test("Services of type LoadBalancer, Pods, CRDs and custom resources' Ready/Stalled conditions", () => {
  const svc = (type: string, status: unknown) => healthOf(obj("v1", "Service", { type }, status)).health;
  assert.equal(svc("ClusterIP", {}), "Healthy");
  assert.equal(svc("LoadBalancer", { loadBalancer: {} }), "Unknown");
  assert.equal(svc("LoadBalancer", { loadBalancer: { ingress: [{ ip: "172.18.0.10" }] } }), "Healthy");

  const pod = (status: unknown) => healthOf(obj("v1", "Pod", {}, status)).health;
  assert.equal(pod({ phase: "Running", conditions: [{ type: "Ready", status: "True" }] }), "Healthy");
  assert.equal(pod({ phase: "Running", conditions: [{ type: "Ready", status: "False" }] }), "Unhealthy");
  assert.equal(pod({ phase: "Pending" }), "Unknown");
  assert.equal(pod({ phase: "Succeeded" }), "Healthy");

  const crd = (conditions: unknown[]) =>
    healthOf(obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", {}, { conditions })).health;
  assert.equal(crd([{ type: "Established", status: "True" }]), "Healthy");
  assert.equal(crd([]), "Unknown");
  assert.equal(crd([{ type: "NamesAccepted", status: "False", reason: "ListKindConflict" }]), "Unhealthy");

  const cr = (status: unknown, generation = 2) =>
    healthOf(obj("example.com/v1", "Database", {}, status, generation));
  assert.equal(
    cr({ observedGeneration: 2, conditions: [{ type: "Ready", status: "True" }] }).health,
    "Healthy",
  );
  assert.deepEqual(
    cr({ conditions: [{ type: "Ready", status: "False", reason: "BackupFailed", message: "no bucket" }] }),
    {
      health: "Unhealthy",
      message: "BackupFailed: no bucket",
    },
  );
  // The controller has not seen the latest spec: its Ready says nothing about it yet.
  assert.equal(
    cr({ observedGeneration: 1, conditions: [{ type: "Ready", status: "True" }] }).health,
    "Unknown",
  );
  assert.equal(
    cr({ conditions: [{ type: "Ready", status: "True", observedGeneration: 1 }] }).health,
    "Unknown",
  );
  assert.equal(cr({ conditions: [{ type: "Ready", status: "Unknown" }] }).health, "Unknown");
  assert.equal(
    cr({ conditions: [{ type: "Stalled", status: "True", reason: "Invalid" }] }).health,
    "Unhealthy",
  );
  assert.equal(cr({ conditions: [{ type: "Reconciling", status: "True" }] }).health, "Unknown");
  assert.equal(cr({}).health, "Healthy", "no conventions followed: nothing to wait for");
});

test("an object being deleted in the member is not Healthy, whatever its status says", () => {
  const ns: KubeObject = {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: "shop",
      deletionTimestamp: "2026-01-01T00:00:00Z",
      finalizers: ["example.com/cleanup"],
    },
    status: { phase: "Terminating" },
  };
  assert.deepEqual(healthOf(ns), {
    health: "Unknown",
    message: "being deleted in the member (waiting for finalizers example.com/cleanup)",
  });
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
