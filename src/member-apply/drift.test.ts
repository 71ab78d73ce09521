import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { jsonEqual } from "../apiserver/patch/json-value.ts";
import { diffPaths, hubOwned, project, retainedPaths } from "./drift.ts";

const manifest: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "shop",
    labels: { app: "web", "mcp.platform/managed": "true" },
    annotations: { "mcp.platform/revision": "4", "mcp.platform/retain-fields": "spec.replicas", note: "hub" },
  },
  spec: {
    replicas: 2,
    template: {
      metadata: { labels: { app: "web" }, creationTimestamp: null },
      spec: {
        containers: [
          { name: "web", image: "web:1", args: ["--a", "--b"] },
          { name: "log", image: "log:1" },
        ],
        tolerations: [{ key: "k", operator: "Exists" }],
      },
    },
  },
  status: { replicas: 2 },
};

test("the hub owns the manifest's fields, minus retained ones, its own annotations and status", () => {
  const owned = hubOwned(manifest, retainedPaths(manifest));
  assert.deepEqual(owned.doc.metadata, { labels: manifest.metadata.labels, annotations: { note: "hub" } });
  assert.equal("status" in owned.doc, false);
  assert.deepEqual([...owned.excluded], ["spec.replicas"]);
});

interface Container {
  name: string;
  image: string;
  args?: string[];
  imagePullPolicy?: string;
}
interface LiveSpec {
  replicas: number;
  strategy?: unknown;
  template: {
    metadata: { creationTimestamp?: null };
    spec: { containers: Container[]; tolerations: { operator: string }[] };
  };
}

test("projection reads the hub's fields from a live object; extras and retained fields are not drift", () => {
  const owned = hubOwned(manifest, retainedPaths(manifest));
  const live = structuredClone(manifest) as KubeObject & { spec: LiveSpec };
  live.metadata.annotations = {
    "mcp.platform/revision": "4",
    note: "hub",
    "deployment.kubernetes.io/revision": "1",
  };
  live.spec.replicas = 9; // retained
  live.spec.strategy = { type: "RollingUpdate" }; // defaulted
  // A sidecar injected first: containers still match by name.
  live.spec.template.spec.containers.unshift({ name: "istio-proxy", image: "proxy" });
  live.spec.template.spec.containers[1].imagePullPolicy = "IfNotPresent";
  delete live.spec.template.metadata.creationTimestamp;
  const base = project(manifest, owned);
  assert.deepEqual(diffPaths(base, project(live, owned)), []);

  live.spec.template.spec.containers[2].image = "log:evil";
  live.spec.template.spec.containers[1].args = ["--a"];
  live.spec.template.spec.tolerations[0].operator = "Equal";
  delete live.metadata.labels!["mcp.platform/managed"];
  assert.deepEqual(diffPaths(base, project(live, owned)), [
    'metadata.labels["mcp.platform/managed"]',
    "spec.template.spec.containers[0].args",
    "spec.template.spec.containers[1].image",
    "spec.template.spec.tolerations[0].operator",
  ]);
  // A container removed member-side.
  live.spec.template.spec.containers = live.spec.template.spec.containers.filter(
    (c: { name: string }) => c.name !== "log",
  );
  assert.ok(diffPaths(base, project(live, owned)).includes("spec.template.spec.containers[1]"));
});

test("json equality ignores key order and undefined members", () => {
  assert.ok(jsonEqual({ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1, d: undefined }));
  assert.ok(!jsonEqual({ a: 1 }, { a: "1" }));
  assert.ok(!jsonEqual([1, 2], [2, 1]));
  assert.deepEqual(diffPaths({ a: 1 }, 5), ["(object)"]);
});
