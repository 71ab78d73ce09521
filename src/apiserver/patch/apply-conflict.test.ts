import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../errors.ts";
import { serverSideApply } from "./apply.ts";
import { trackUpdate } from "./managed-fields.ts";
import { applyStrategicMergePatch } from "./strategic-merge.ts";

const T0 = "2024-05-01T10:00:00Z";
const T1 = "2024-05-01T11:00:00Z";
const T2 = "2024-05-01T12:00:00Z";

interface Container {
  name: string;
  image?: string;
}

function deployment(
  replicas: number | undefined,
  containers: Container[],
  labels = { app: "web" },
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "shop", labels },
    spec: { ...(replicas === undefined ? {} : { replicas }), template: { spec: { containers } } },
  };
}

const apply = (live: KubeObject | undefined, applied: KubeObject, manager: string, force = false, now = T1) =>
  serverSideApply({ live, applied, manager, force, apiVersion: "apps/v1", now });

const entry = (obj: KubeObject, manager: string) =>
  obj.metadata.managedFields?.find((e) => e.manager === manager);
const fields = (obj: KubeObject, manager: string) => JSON.stringify(entry(obj, manager)?.fieldsV1);
const spec = (obj: KubeObject) =>
  obj.spec as { replicas?: number; template: { spec: { containers: Container[] } } };

function conflict(fn: () => unknown): ApiError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, String(e));
    return e;
  }
  assert.fail("expected an apply conflict");
}

test("two appliers setting the same value share the field; either changing it later conflicts", () => {
  const a = apply(undefined, deployment(3, [{ name: "nginx", image: "nginx:1.25" }]), "team-a", false, T0);
  const b = apply(a, deployment(3, []), "team-b");
  assert.match(fields(b, "team-a"), /"f:replicas"/);
  assert.match(fields(b, "team-b"), /"f:replicas"/);

  const err = conflict(() => apply(b, deployment(5, []), "team-b"));
  assert.equal(err.code, 409);
  assert.equal(err.message, 'Apply failed with 1 conflict: conflict with "team-a": .spec.replicas');

  // team-a stops caring about replicas: the value stays because team-b still owns it.
  const dropped = apply(
    b,
    deployment(undefined, [{ name: "nginx", image: "nginx:1.25" }]),
    "team-a",
    false,
    T2,
  );
  assert.equal(spec(dropped).replicas, 3);
  assert.doesNotMatch(fields(dropped, "team-a"), /"f:replicas"/);
  assert.match(fields(dropped, "team-b"), /"f:replicas"/);
});

test("applying a different value to a field another manager owns is a 409 in Kubernetes' format", () => {
  const created = trackUpdate({
    live: undefined,
    updated: deployment(3, [{ name: "nginx", image: "nginx:1.25" }]),
    manager: "kubectl-client-side-apply",
    apiVersion: "apps/v1",
    now: T0,
  });
  const err = conflict(() =>
    apply(created, deployment(5, [{ name: "nginx", image: "nginx:1.25" }]), "kubectl"),
  );
  assert.equal(err.code, 409);
  assert.equal(err.reason, "Conflict");
  assert.equal(
    err.message,
    'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
  );
  assert.deepEqual(err.details?.causes, [
    {
      reason: "FieldManagerConflict",
      message: 'conflict with "kubectl-client-side-apply" using apps/v1',
      field: ".spec.replicas",
    },
  ]);
});

test("force takes ownership of the conflicting fields", () => {
  const created = trackUpdate({
    live: undefined,
    updated: deployment(3, [{ name: "nginx", image: "nginx:1.25" }]),
    manager: "kubectl-client-side-apply",
    apiVersion: "apps/v1",
    now: T0,
  });
  const forced = apply(created, deployment(5, [{ name: "nginx", image: "nginx:1.25" }]), "kubectl", true);
  assert.equal(spec(forced).replicas, 5);
  assert.match(fields(forced, "kubectl"), /"f:replicas"/);
  assert.doesNotMatch(fields(forced, "kubectl-client-side-apply"), /"f:replicas"/);
  assert.match(fields(forced, "kubectl-client-side-apply"), /"f:image"/, "equal values stay shared");
  assert.equal(forced.metadata.managedFields?.[0].operation, "Apply", "Apply entries sort first");
});

test("an update after an apply takes the field; the next apply conflicts with the updater", () => {
  const applied = apply(
    undefined,
    deployment(2, [{ name: "nginx", image: "nginx:1.25" }]),
    "kubectl",
    false,
    T0,
  );
  const patched = applyStrategicMergePatch(
    applied,
    { spec: { template: { spec: { containers: [{ name: "nginx", image: "nginx:1.26" }] } } } },
    { builtin: true },
  );
  const updated = trackUpdate({
    live: applied,
    updated: patched,
    manager: "kubectl-set",
    apiVersion: "apps/v1",
    now: T1,
  });
  assert.equal(
    fields(updated, "kubectl-set"),
    '{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{"f:image":{}}}}}}}',
  );
  assert.doesNotMatch(fields(updated, "kubectl"), /"f:image"/);

  const err = conflict(() =>
    apply(updated, deployment(2, [{ name: "nginx", image: "nginx:1.25" }]), "kubectl", false, T2),
  );
  assert.equal(
    err.message,
    'Apply failed with 1 conflict: conflict with "kubectl-set" using apps/v1: .spec.template.spec.containers[name="nginx"].image',
  );
  // Re-applying the value the updater set is no conflict: ownership becomes shared.
  const agreed = apply(
    updated,
    deployment(2, [{ name: "nginx", image: "nginx:1.26" }]),
    "kubectl",
    false,
    T2,
  );
  assert.match(fields(agreed, "kubectl"), /"f:image"/);
  assert.match(fields(agreed, "kubectl-set"), /"f:image"/);
});

test("conflicts with several fields list them per manager", () => {
  const created = trackUpdate({
    live: undefined,
    updated: deployment(3, [{ name: "nginx", image: "nginx:1.25" }]),
    manager: "helm",
    apiVersion: "apps/v1",
    now: T0,
  });
  const err = conflict(() =>
    apply(created, deployment(4, [{ name: "nginx", image: "nginx:1.26" }]), "argocd"),
  );
  assert.equal(
    err.message,
    'Apply failed with 2 conflicts: conflicts with "helm" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="nginx"].image',
  );
  assert.equal(err.details?.causes?.length, 2);
});

test("an object that never had managedFields is owned by before-first-apply", () => {
  const legacy = {
    ...deployment(3, [{ name: "nginx", image: "nginx:1.25" }]),
    metadata: { name: "web", uid: "u-1" },
  };
  const err = conflict(() =>
    apply(legacy, deployment(6, [{ name: "nginx", image: "nginx:1.25" }]), "kubectl"),
  );
  assert.equal(
    err.message,
    'Apply failed with 1 conflict: conflict with "before-first-apply" using apps/v1: .spec.replicas',
  );
});
