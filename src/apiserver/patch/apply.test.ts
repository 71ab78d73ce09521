import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../errors.ts";
import { parseApplyBody, serverSideApply } from "./apply.ts";

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

function _conflict(fn: () => unknown): ApiError {
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

test("dropping the last owned field of a struct drops the struct, defaults included", () => {
  const withStrategy = {
    ...deployment(1, [{ name: "nginx", image: "nginx:1.25" }]),
    spec: {
      replicas: 1,
      strategy: { type: "Recreate" },
      template: { spec: { containers: [{ name: "nginx" }] } },
    },
  };
  const v1 = apply(undefined, withStrategy, "kubectl", false, T0);
  // The server defaults fields nobody applied; they are owned by no one.
  (v1.spec as { strategy: Record<string, unknown> }).strategy.rollingUpdate = { maxSurge: "25%" };
  const v2 = apply(v1, deployment(1, [{ name: "nginx" }]), "kubectl");
  assert.equal((v2.spec as { strategy?: unknown }).strategy, undefined);
  assert.equal(spec(v2).replicas, 1);
});

test("ConfigMap keys applied by different managers are owned separately", () => {
  const cm = (data: Record<string, string>): KubeObject => ({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "settings", namespace: "shop" },
    data,
  });
  const opts = { force: false, apiVersion: "v1" };
  const a = serverSideApply({
    ...opts,
    live: undefined,
    applied: cm({ "log.level": "info" }),
    manager: "ops",
    now: T0,
  });
  const b = serverSideApply({
    ...opts,
    live: a,
    applied: cm({ "feature.x": "on" }),
    manager: "dev",
    now: T1,
  });
  assert.deepEqual(b.data, { "log.level": "info", "feature.x": "on" });
  const c = serverSideApply({ ...opts, live: b, applied: cm({}), manager: "ops", now: T2 });
  assert.deepEqual(c.data, { "feature.x": "on" });
  assert.deepEqual(
    c.metadata.managedFields?.map((e) => [e.manager, JSON.stringify(e.fieldsV1)]),
    [["dev", '{"f:data":{"f:feature.x":{}}}']],
  );
});

test("custom resources: lists are atomic unless the schema says otherwise", () => {
  const widget = (ports: unknown[]): KubeObject => ({
    apiVersion: "example.com/v1",
    kind: "Widget",
    metadata: { name: "w", finalizers: ["example.com/cleanup"] },
    spec: { ports },
  });
  const out = serverSideApply({
    live: undefined,
    applied: widget([{ port: 80 }]),
    manager: "kubectl",
    force: false,
    apiVersion: "example.com/v1",
    now: T0,
    builtin: false,
  });
  assert.equal(
    JSON.stringify(out.metadata.managedFields?.[0].fieldsV1),
    '{"f:metadata":{"f:finalizers":{"v:\\"example.com/cleanup\\"":{}}},"f:spec":{"f:ports":{}}}',
  );
});

test("YAML bodies follow go-yaml: yes is true, timestamps stay strings", () => {
  assert.deepEqual(parseApplyBody("a: yes\nb: 2024-05-01T10:00:00Z\nc: '0755'\nd: 12:30\n"), {
    a: true,
    b: "2024-05-01T10:00:00Z",
    c: "0755",
    d: "12:30",
  });
});
