import assert from "node:assert/strict";
import { test } from "node:test";
import { ApiError } from "../errors.ts";
import { applyStrategicMergePatch } from "./strategic-merge.ts";

const deployment = () => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "shop",
    labels: { app: "web" },
    finalizers: ["a.example.com", "b.example.com"],
  },
  spec: {
    replicas: 3,
    selector: { matchLabels: { app: "web" } },
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: {
        containers: [
          {
            name: "nginx",
            image: "nginx:1.25",
            args: ["-g", "daemon off;"],
            env: [
              { name: "MODE", value: "prod" },
              { name: "LOG", value: "info" },
            ],
            ports: [{ containerPort: 80, protocol: "TCP" }],
          },
          { name: "envoy", image: "envoy:1.30" },
        ],
        tolerations: [{ key: "dedicated", operator: "Exists" }],
      },
    },
  },
});

type Dep = ReturnType<typeof deployment>;
const smp = (patch: unknown, original: unknown = deployment()) =>
  applyStrategicMergePatch(original as Dep, patch, { builtin: true });
const names = (d: Dep) => d.spec.template.spec.containers.map((c) => c.name);

test("kubectl set image: the named container is merged in place, the others untouched", () => {
  const live = deployment();
  const out = smp(
    { spec: { template: { spec: { containers: [{ name: "envoy", image: "envoy:1.31" }] } } } },
    live,
  );
  assert.deepEqual(names(out), ["nginx", "envoy"]);
  assert.equal(out.spec.template.spec.containers[1].image, "envoy:1.31");
  assert.deepEqual(out.spec.template.spec.containers[0], deployment().spec.template.spec.containers[0]);
  assert.deepEqual(live, deployment(), "the input is not mutated");
});

test("$patch: delete removes a container by its merge key", () => {
  const out = smp({ spec: { template: { spec: { containers: [{ name: "nginx", $patch: "delete" }] } } } });
  assert.deepEqual(names(out), ["envoy"]);
});

test("$patch: replace on a list makes the patch list the result", () => {
  const out = smp({
    spec: {
      template: { spec: { containers: [{ name: "redis", image: "redis:7" }, { $patch: "replace" }] } },
    },
  });
  assert.deepEqual(out.spec.template.spec.containers, [{ name: "redis", image: "redis:7" }]);
});

test("$patch: replace on a map replaces it; $patch: merge in a map is rejected as Kubernetes does", () => {
  const out = smp({ spec: { strategy: { $patch: "replace", type: "Recreate" } } });
  assert.deepEqual(out.spec.strategy, { type: "Recreate" });
  assert.throws(
    () => smp({ spec: { strategy: { $patch: "merge", type: "Recreate" } } }),
    (e: unknown) => e instanceof ApiError && e.code === 400 && /unknown patch type: merge/.test(e.message),
  );
});

test("keyed items new to the server lead the list unless $setElementOrder says otherwise", () => {
  const env = { name: "TRACE", value: "1" };
  const plain = smp({ spec: { template: { spec: { containers: [{ name: "nginx", env: [env] }] } } } });
  assert.deepEqual(
    plain.spec.template.spec.containers[0].env!.map((e) => e.name),
    ["TRACE", "MODE", "LOG"],
  );
  const ordered = smp({
    spec: {
      template: {
        spec: {
          "$setElementOrder/containers": [{ name: "envoy" }, { name: "nginx" }, { name: "redis" }],
          containers: [{ name: "redis", image: "redis:7" }],
        },
      },
    },
  });
  assert.deepEqual(names(ordered), ["envoy", "nginx", "redis"]);
});

test("kubectl label / annotate: metadata maps merge, null removes", () => {
  const out = smp({
    metadata: { labels: { env: "prod", app: null }, annotations: { "owner.example.com/team": "shop" } },
  });
  assert.deepEqual(out.metadata.labels, { env: "prod" });
  assert.deepEqual((out.metadata as Record<string, unknown>).annotations, {
    "owner.example.com/team": "shop",
  });
});

test("kubectl rollout restart stamps the pod template annotation", () => {
  const patch = {
    spec: {
      template: {
        metadata: { annotations: { "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z" } },
      },
    },
  };
  const out = smp(patch);
  assert.deepEqual(out.spec.template.metadata, {
    labels: { app: "web" },
    annotations: { "kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z" },
  });
});

test("client-side kubectl apply: $retainKeys clears the old strategy, $setElementOrder keeps order", () => {
  const patch = {
    metadata: {
      annotations: { "kubectl.kubernetes.io/last-applied-configuration": '{"kind":"Deployment"}\n' },
    },
    spec: {
      replicas: 4,
      strategy: { $retainKeys: ["type"], type: "Recreate", rollingUpdate: null },
      template: {
        spec: {
          "$setElementOrder/containers": [{ name: "nginx" }, { name: "envoy" }],
          containers: [
            {
              name: "nginx",
              "$setElementOrder/env": [{ name: "MODE" }, { name: "LOG" }],
              env: [{ name: "LOG", value: "debug" }],
            },
          ],
        },
      },
    },
  };
  const out = smp(patch);
  assert.equal(out.spec.replicas, 4);
  assert.deepEqual(out.spec.strategy, { type: "Recreate" });
  assert.deepEqual(names(out), ["nginx", "envoy"]);
  assert.deepEqual(out.spec.template.spec.containers[0].env!, [
    { name: "MODE", value: "prod" },
    { name: "LOG", value: "debug" },
  ]);
  assert.ok(!JSON.stringify(out).includes("$"), "no directive survives into the object");
});

test("atomic lists are replaced; merged primitive lists union; $deleteFromPrimitiveList removes", () => {
  const out = smp({
    metadata: { finalizers: ["c.example.com"], "$deleteFromPrimitiveList/finalizers": ["a.example.com"] },
    spec: { template: { spec: { tolerations: [{ key: "gpu", operator: "Exists" }] } } },
  });
  assert.deepEqual(out.metadata.finalizers.toSorted(), ["b.example.com", "c.example.com"]);
  assert.deepEqual(out.spec.template.spec.tolerations, [{ key: "gpu", operator: "Exists" }]);
});

test("kubectl edit: a two-way patch with null deletions and nested list merges", () => {
  const out = smp({
    spec: {
      template: {
        spec: {
          "$setElementOrder/containers": [{ name: "nginx" }, { name: "envoy" }],
          containers: [
            {
              name: "nginx",
              args: null,
              ports: [
                { containerPort: 8080, protocol: "TCP" },
                { containerPort: 80, $patch: "delete" },
              ],
            },
          ],
        },
      },
    },
  });
  const nginx = out.spec.template.spec.containers[0] as Record<string, unknown>;
  assert.equal(nginx.args, undefined);
  assert.deepEqual(nginx.ports, [{ containerPort: 8080, protocol: "TCP" }]);
});

test("custom resources cannot be strategically patched (415)", () => {
  assert.throws(
    () =>
      applyStrategicMergePatch(
        { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } },
        {},
        { builtin: false },
      ),
    (e: unknown) => e instanceof ApiError && e.code === 415 && e.reason === "UnsupportedMediaType",
  );
});

test("malformed directives are a 400", () => {
  for (const patch of [
    { spec: { template: { spec: { containers: [{ image: "no-name" }] } } } },
    { spec: { strategy: { $retainKeys: ["type"], rollingUpdate: { maxSurge: 1 } } } },
    {
      spec: {
        template: {
          spec: { "$setElementOrder/containers": [{ name: "nginx" }], containers: [{ name: "other" }] },
        },
      },
    },
    ["not", "a", "map"],
  ]) {
    assert.throws(
      () => smp(patch),
      (e: unknown) => e instanceof ApiError && e.code === 400,
      JSON.stringify(patch),
    );
  }
});
