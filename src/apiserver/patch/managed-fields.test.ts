import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { serverSideApply } from "./apply.ts";
import { decodeManagedFields, encodeManagedFields, managerId, trackUpdate } from "./managed-fields.ts";

const T0 = "2024-05-01T10:00:00Z";
const T1 = "2024-05-01T11:00:00Z";

// What `kubectl create deployment web --image=nginx` stores once the apiserver has defaulted it.
const created = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", uid: "u-1", resourceVersion: "1", labels: { app: "web" } },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "nginx", image: "nginx", resources: {} }], restartPolicy: "Always" },
    },
  },
  status: {},
});

const fieldsOf = (obj: KubeObject, manager: string) =>
  JSON.stringify(obj.metadata.managedFields?.find((e) => e.manager === manager)?.fieldsV1);

test("a create is owned by its manager, with `.` on maps and items it brought into existence", () => {
  const out = trackUpdate({
    live: undefined,
    updated: created(),
    manager: "kubectl-create",
    apiVersion: "apps/v1",
    now: T0,
  });
  assert.deepEqual(
    out.metadata.managedFields?.map(({ fieldsV1: _, ...rest }) => rest),
    [
      {
        manager: "kubectl-create",
        operation: "Update",
        apiVersion: "apps/v1",
        time: T0,
        fieldsType: "FieldsV1",
      },
    ],
  );
  assert.equal(
    fieldsOf(out, "kubectl-create"),
    JSON.stringify({
      "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
      "f:spec": {
        "f:replicas": {},
        "f:selector": {},
        "f:strategy": {
          "f:rollingUpdate": { ".": {}, "f:maxSurge": {}, "f:maxUnavailable": {} },
          "f:type": {},
        },
        "f:template": {
          "f:metadata": { "f:labels": { ".": {}, "f:app": {} } },
          "f:spec": {
            "f:containers": {
              'k:{"name":"nginx"}': { ".": {}, "f:image": {}, "f:name": {}, "f:resources": {} },
            },
            "f:restartPolicy": {},
          },
        },
      },
    }),
  );
});

test("an update takes the fields it changes from their previous owner", () => {
  const applied = serverSideApply({
    live: undefined,
    applied: { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" }, spec: { replicas: 2 } },
    manager: "kubectl",
    force: false,
    apiVersion: "apps/v1",
    now: T0,
  });
  const scaled = trackUpdate({
    live: applied,
    updated: { ...applied, spec: { replicas: 5 } },
    manager: "kubectl-scale",
    apiVersion: "apps/v1",
    now: T1,
    subresource: "scale",
  });
  assert.equal(
    fieldsOf(scaled, "kubectl"),
    undefined,
    "the applier's only field moved, so its entry is dropped",
  );
  assert.deepEqual(scaled.metadata.managedFields, [
    {
      manager: "kubectl-scale",
      operation: "Update",
      apiVersion: "apps/v1",
      time: T1,
      fieldsType: "FieldsV1",
      fieldsV1: { "f:spec": { "f:replicas": {} } },
      subresource: "scale",
    },
  ]);
});

test("removing a field removes it from every manager; a no-op update leaves entries alone", () => {
  const first = trackUpdate({
    live: undefined,
    updated: created(),
    manager: "kubectl-create",
    apiVersion: "apps/v1",
    now: T0,
  });
  const unchanged = trackUpdate({
    live: first,
    updated: first,
    manager: "kubectl-edit",
    apiVersion: "apps/v1",
    now: T1,
  });
  assert.deepEqual(unchanged.metadata.managedFields, first.metadata.managedFields);

  const edited = structuredClone(first);
  delete (edited.metadata as { labels?: unknown }).labels;
  const out = trackUpdate({
    live: first,
    updated: edited,
    manager: "kubectl-edit",
    apiVersion: "apps/v1",
    now: T1,
  });
  const owned = JSON.parse(fieldsOf(out, "kubectl-create")) as Record<string, unknown>;
  assert.equal(owned["f:metadata"], undefined, "the removed label is nobody's any more");
  assert.match(JSON.stringify(owned["f:spec"]), /"f:template":\{"f:metadata":\{"f:labels"/);
  assert.equal(fieldsOf(out, "kubectl-edit"), undefined, "only removals: no entry for the editor");
  assert.equal(out.metadata.managedFields?.[0].time, T0);
});

test("server-set metadata and status never become owned through the main resource", () => {
  const first = trackUpdate({
    live: undefined,
    updated: created(),
    manager: "kubectl-create",
    apiVersion: "apps/v1",
    now: T0,
  });
  const next = structuredClone(first);
  next.metadata.resourceVersion = "2";
  next.metadata.generation = 2;
  next.status = { replicas: 1 };
  const out = trackUpdate({ live: first, updated: next, manager: "other", apiVersion: "apps/v1", now: T1 });
  assert.deepEqual(out.metadata.managedFields, first.metadata.managedFields);

  const status = trackUpdate({
    live: first,
    updated: next,
    manager: "kube-controller-manager",
    apiVersion: "apps/v1",
    now: T1,
    subresource: "status",
  });
  assert.equal(
    fieldsOf(status, "kube-controller-manager"),
    JSON.stringify({ "f:status": { "f:replicas": {} } }),
  );
});

test("existing objects without managedFields stay untracked; sending [] resets tracking", () => {
  const legacy = created();
  const out = trackUpdate({
    live: legacy,
    updated: { ...legacy, spec: {} },
    manager: "x",
    apiVersion: "apps/v1",
    now: T1,
  });
  assert.equal(out.metadata.managedFields, undefined);

  const tracked = trackUpdate({
    live: undefined,
    updated: created(),
    manager: "kubectl-create",
    apiVersion: "apps/v1",
    now: T0,
  });
  const reset = { ...tracked, metadata: { ...tracked.metadata, managedFields: [] } };
  const cleared = trackUpdate({
    live: tracked,
    updated: reset,
    manager: "kubectl-edit",
    apiVersion: "apps/v1",
    now: T1,
  });
  assert.equal(cleared.metadata.managedFields, undefined);
});

test("entries round-trip and sort Apply before Update, then by time", () => {
  const entries = [
    {
      manager: "b",
      operation: "Update" as const,
      apiVersion: "v1",
      time: T1,
      fieldsType: "FieldsV1" as const,
      fieldsV1: { "f:data": { "f:x": {} } },
    },
    {
      manager: "a",
      operation: "Update" as const,
      apiVersion: "v1",
      time: T0,
      fieldsType: "FieldsV1" as const,
      fieldsV1: { "f:data": { "f:y": {} } },
    },
    {
      manager: "z",
      operation: "Apply" as const,
      apiVersion: "v1",
      time: T1,
      fieldsType: "FieldsV1" as const,
      fieldsV1: { "f:data": { "f:z": {} } },
    },
  ];
  const managers = decodeManagedFields(entries);
  assert.deepEqual(
    encodeManagedFields(managers).map((e) => e.manager),
    ["z", "a", "b"],
  );
  assert.equal(
    managerId({ manager: "z", operation: "Apply", apiVersion: "v1" }),
    '{"manager":"z","operation":"Apply"}',
  );
  assert.throws(() => decodeManagedFields([{ manager: "x", operation: "Patch" }]));
});
