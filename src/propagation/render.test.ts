import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import {
  canonicalJson,
  contentHash,
  manifestContent,
  markManifest,
  renderTemplate,
  sameContent,
  withRevision,
} from "./render.ts";

const deployment = (): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: {
    name: "web",
    namespace: "shop",
    uid: "u-1",
    resourceVersion: "42",
    generation: 3,
    creationTimestamp: "2026-01-01T00:00:00Z",
    managedFields: [
      { manager: "kubectl", operation: "Apply", apiVersion: "apps/v1", fieldsType: "FieldsV1", fieldsV1: {} },
    ],
    ownerReferences: [{ apiVersion: "v1", kind: "X", name: "x", uid: "x" }],
    finalizers: ["hub/keep"],
    labels: { app: "web", "mcp.platform/managed": "true" },
    annotations: {
      team: "a",
      "kubectl.kubernetes.io/last-applied-configuration": "{}",
      "mcp.platform/revision": "99",
    },
  },
  spec: { replicas: 6, template: { spec: { containers: [{ name: "web", image: "web:1" }] } } },
  status: { replicas: 6, readyReplicas: 6 },
});

describe("renderTemplate", () => {
  it("keeps only name, namespace, labels and annotations of the metadata, and drops status", () => {
    const m = renderTemplate(deployment());
    assert.deepEqual(m.metadata, {
      name: "web",
      namespace: "shop",
      labels: { app: "web" },
      annotations: { team: "a" },
    });
    assert.equal(m.status, undefined);
    assert.equal((m.spec as { replicas: number }).replicas, 6);
  });

  it("sets a Divided share of replicas on workloads only", () => {
    assert.equal((renderTemplate(deployment(), 4).spec as { replicas: number }).replicas, 4);
    const cm: KubeObject = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" }, data: { a: "1" } };
    assert.deepEqual(renderTemplate(cm, 4), {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { a: "1" },
    });
  });

  it("does not touch the template it was given", () => {
    const t = deployment();
    const before = structuredClone(t);
    renderTemplate(t, 1);
    assert.deepEqual(t, before);
  });

  it("drops what the hub's API server allocated: clusterIP, a Job's generated selector, token secrets", () => {
    const svc = renderTemplate({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s" },
      spec: { clusterIP: "10.0.0.1", clusterIPs: ["10.0.0.1"], ports: [{ port: 80 }] },
    });
    assert.deepEqual(svc.spec, { ports: [{ port: 80 }] });
    const headless = renderTemplate({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "h" },
      spec: { clusterIP: "None" },
    });
    assert.deepEqual(headless.spec, { clusterIP: "None" });
    const job = renderTemplate({
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: { name: "j" },
      spec: {
        selector: { matchLabels: { "controller-uid": "1" } },
        template: { metadata: { labels: { "controller-uid": "1", app: "j" } } },
      },
    });
    assert.deepEqual(job.spec, { template: { metadata: { labels: { app: "j" } } } });
    const sa = renderTemplate({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "sa" },
      secrets: [{ name: "sa-token-abcde" }, { name: "registry" }],
    });
    assert.deepEqual(sa.secrets, [{ name: "registry" }]);
  });
});

describe("renderTemplate: Namespaces", () => {
  it("drops the name label and default finalizer the hub's API server set, keeps the user's", () => {
    const ns: KubeObject = {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop", labels: { "kubernetes.io/metadata.name": "shop", team: "a" } },
      spec: { finalizers: ["kubernetes"] },
      status: { phase: "Active" },
    };
    assert.deepEqual(renderTemplate(ns), {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: { name: "shop", labels: { team: "a" } },
    });
    ns.spec = { finalizers: ["kubernetes", "example.com/keep"] };
    assert.deepEqual(renderTemplate(ns).spec, { finalizers: ["kubernetes", "example.com/keep"] });
  });
});

describe("marks, revisions and content", () => {
  it("adds MCP's label and annotations from the binding", () => {
    const m = markManifest(renderTemplate(deployment()), {
      binding: "shop/web-deployment",
      conflictResolution: "Overwrite",
      retainFields: ["spec.replicas", "spec.paused"],
      immutableFieldChange: "Recreate",
    });
    assert.deepEqual(m.metadata.labels, { app: "web", "mcp.platform/managed": "true" });
    assert.deepEqual(m.metadata.annotations, {
      team: "a",
      "mcp.platform/binding": "shop/web-deployment",
      "mcp.platform/conflict-resolution": "Overwrite",
      "mcp.platform/retain-fields": "spec.replicas,spec.paused",
      "mcp.platform/immutable-field-change": "Recreate",
    });
  });

  it("compares content without the revision stamp, whatever the key order", () => {
    const a = markManifest(renderTemplate(deployment()), { binding: "shop/web-deployment" });
    const b = withRevision(a, 7);
    assert.equal(b.metadata.annotations?.["mcp.platform/revision"], "7");
    assert.equal(a.metadata.annotations?.["mcp.platform/revision"], undefined, "a copy is stamped");
    assert.ok(sameContent(a, b));
    const reordered = JSON.parse(canonicalJson(b)) as KubeObject;
    assert.equal(manifestContent(reordered), manifestContent(a));
    const changed = withRevision(
      markManifest(renderTemplate(deployment(), 2), { binding: "shop/web-deployment" }),
      7,
    );
    assert.ok(!sameContent(b, changed));
  });

  it("sameContent agrees with manifestContent equality, case by case", () => {
    const base = markManifest(renderTemplate(deployment()), { binding: "shop/web-deployment" });
    const variants: [string, (m: KubeObject) => void][] = [
      ["nothing changed", () => {}],
      ["stamped", (m) => Object.assign(m.metadata.annotations!, { "mcp.platform/revision": "9" })],
      ["keys reordered", (m) => Object.assign(m, JSON.parse(canonicalJson(m)))],
      ["an annotation added", (m) => Object.assign(m.metadata.annotations!, { team: "b" })],
      ["a label changed", (m) => Object.assign(m.metadata.labels!, { app: "api" })],
      ["only the stamp as annotations", (m) => (m.metadata.annotations = { "mcp.platform/revision": "3" })],
      ["no annotations at all", (m) => delete m.metadata.annotations],
      ["empty annotations", (m) => (m.metadata.annotations = {})],
      ["replicas changed", (m) => ((m.spec as { replicas: number }).replicas = 5)],
      ["a field set to undefined", (m) => Object.assign(m.spec as object, { paused: undefined })],
      ["a namespace changed", (m) => (m.metadata.namespace = "other")],
    ];
    for (const [what, change] of variants)
      for (const [what2, change2] of variants) {
        const a = structuredClone(base);
        const b = structuredClone(base);
        change(a);
        change2(b);
        assert.equal(sameContent(a, b), manifestContent(a) === manifestContent(b), `${what} vs ${what2}`);
      }
  });

  it("hashes manifests canonically", () => {
    const m = markManifest(renderTemplate(deployment()), { binding: "b" });
    assert.equal(contentHash([m]), contentHash([JSON.parse(canonicalJson(m))]));
    assert.notEqual(contentHash([m]), contentHash([withRevision(m, 2)]));
    assert.match(contentHash([]), /^[0-9a-f]{64}$/);
  });
});
