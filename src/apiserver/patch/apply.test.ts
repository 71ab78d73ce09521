import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../errors.ts";
import { parseApplyBody, serverSideApply } from "./apply.ts";
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

test("the first apply creates the object with a Kubernetes-shaped managedFields entry", () => {
  const created = apply(
    undefined,
    deployment(3, [{ name: "nginx", image: "nginx:1.25" }]),
    "kubectl",
    false,
    T0,
  );
  assert.equal(spec(created).replicas, 3);
  assert.deepEqual(created.metadata.managedFields, [
    {
      manager: "kubectl",
      operation: "Apply",
      apiVersion: "apps/v1",
      time: T0,
      fieldsType: "FieldsV1",
      fieldsV1: JSON.parse(
        '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
      ),
    },
  ]);
  assert.equal(
    fields(created, "kubectl"),
    '{"f:metadata":{"f:labels":{"f:app":{}}},"f:spec":{"f:replicas":{},"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
    "byte-for-byte the order Kubernetes serializes",
  );
});

test("re-applying without a field removes it from the object and from the manager's set", () => {
  const v1 = apply(
    undefined,
    deployment(3, [{ name: "nginx", image: "nginx:1.25" }], { app: "web" }),
    "kubectl",
    false,
    T0,
  );
  const v2 = apply(
    v1,
    deployment(undefined, [{ name: "nginx", image: "nginx:1.25" }], {} as { app: string }),
    "kubectl",
  );
  assert.equal(spec(v2).replicas, undefined);
  assert.equal(v2.metadata.labels, undefined, "the emptied labels map goes too");
  assert.equal(
    fields(v2, "kubectl"),
    '{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"nginx\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
  );
  assert.equal(entry(v2, "kubectl")?.time, T1);
});

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

test("two appliers each owning a different container merge by key and prune only their own", () => {
  const a = apply(
    undefined,
    deployment(undefined, [{ name: "nginx", image: "nginx:1.25" }]),
    "app-team",
    false,
    T0,
  );
  const b = apply(
    a,
    deployment(undefined, [{ name: "envoy", image: "envoy:1.30" }], {} as { app: string }),
    "mesh",
  );
  assert.deepEqual(
    spec(b).template.spec.containers.map((c) => c.name),
    ["nginx", "envoy"],
  );
  assert.equal(
    fields(b, "mesh"),
    '{"f:spec":{"f:template":{"f:spec":{"f:containers":{"k:{\\"name\\":\\"envoy\\"}":{".":{},"f:image":{},"f:name":{}}}}}}}',
  );
  // app-team bumps its image: no conflict, envoy untouched.
  const c = apply(b, deployment(undefined, [{ name: "nginx", image: "nginx:1.26" }]), "app-team", false, T2);
  assert.deepEqual(spec(c).template.spec.containers, [
    { name: "nginx", image: "nginx:1.26" },
    { name: "envoy", image: "envoy:1.30" },
  ]);
  // mesh withdraws its container: only envoy goes.
  const d = apply(
    c,
    { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "web" } },
    "mesh",
    false,
    T2,
  );
  assert.deepEqual(spec(d).template.spec.containers, [{ name: "nginx", image: "nginx:1.26" }]);
  assert.equal(entry(d, "mesh"), undefined, "a manager with no fields left has no entry");
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

test("service ports are keyed by port and the defaulted protocol", () => {
  const svc: KubeObject = {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: "web", namespace: "shop" },
    spec: { selector: { app: "web" }, ports: [{ port: 80, targetPort: 8080 }] },
  };
  const out = serverSideApply({
    live: undefined,
    applied: svc,
    manager: "kubectl",
    force: false,
    apiVersion: "v1",
    now: T0,
  });
  assert.equal(
    JSON.stringify(out.metadata.managedFields?.[0].fieldsV1),
    '{"f:spec":{"f:ports":{"k:{\\"port\\":80,\\"protocol\\":\\"TCP\\"}":{".":{},"f:port":{},"f:targetPort":{}}},"f:selector":{}}}',
  );
});

test("status is ignored on the main resource and is all that is tracked through /status", () => {
  const base = apply(
    undefined,
    deployment(1, [{ name: "nginx", image: "nginx:1.25" }]),
    "kubectl",
    false,
    T0,
  );
  const withStatus = { ...deployment(1, [{ name: "nginx", image: "nginx:1.25" }]), status: { replicas: 9 } };
  const main = apply(base, withStatus, "kubectl");
  assert.equal(main.status, undefined);
  const status = serverSideApply({
    live: base,
    applied: { ...deployment(7, []), status: { readyReplicas: 1 } },
    manager: "controller",
    force: false,
    apiVersion: "apps/v1",
    now: T1,
    subresource: "status",
  });
  assert.deepEqual(status.status, { readyReplicas: 1 });
  assert.equal(spec(status).replicas, 1, "spec is not touched through /status");
  assert.deepEqual(entry(status, "controller"), {
    manager: "controller",
    operation: "Apply",
    apiVersion: "apps/v1",
    time: T1,
    fieldsType: "FieldsV1",
    fieldsV1: { "f:status": { "f:readyReplicas": {} } },
    subresource: "status",
  });
});

test("invalid apply requests are rejected before anything is merged", () => {
  const good = deployment(1, []);
  const cases: [Partial<Parameters<typeof serverSideApply>[0]>, number][] = [
    [{ applied: { ...good, metadata: { namespace: "shop" } } }, 422],
    [{ applied: { ...good, apiVersion: "apps/v1beta1" } }, 400],
    [{ applied: { ...good, kind: undefined } as unknown as KubeObject }, 400],
    [{ applied: { ...good, metadata: { name: "web", managedFields: [] } } }, 400],
    [{ manager: "" }, 400],
  ];
  for (const [override, code] of cases) {
    assert.throws(
      () =>
        serverSideApply({
          live: undefined,
          applied: good,
          manager: "kubectl",
          force: false,
          apiVersion: "apps/v1",
          now: T0,
          ...override,
        }),
      (e: unknown) => e instanceof ApiError && e.code === code,
      JSON.stringify(override),
    );
  }
});

test("apply bodies are YAML (JSON included)", () => {
  const doc = parseApplyBody(
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  enabled: 'true'\n",
  );
  assert.deepEqual(doc, {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings" },
    data: { enabled: "true" },
  });
  assert.deepEqual(parseApplyBody('{"apiVersion":"v1","kind":"ConfigMap"}'), {
    apiVersion: "v1",
    kind: "ConfigMap",
  });
  assert.throws(
    () => parseApplyBody("a: [unclosed"),
    (e: unknown) => e instanceof ApiError && e.code === 400,
  );
});
