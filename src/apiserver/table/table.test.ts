import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../errors.ts";
import { toTable } from "./table.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");

const configMap: KubeObject = {
  apiVersion: "v1",
  kind: "ConfigMap",
  metadata: {
    name: "settings",
    namespace: "shop",
    uid: "u1",
    resourceVersion: "42",
    creationTimestamp: "2024-05-01T11:50:00Z",
  },
  data: { a: "1", b: "2" },
  binaryData: { c: "AA==" },
};

describe("toTable", () => {
  it("builds a meta.k8s.io/v1 Table with PartialObjectMetadata rows by default", () => {
    const table = toTable([configMap], {
      group: "",
      kind: "ConfigMap",
      listMeta: { resourceVersion: "99", continue: "next-token" },
      now: NOW,
    });
    assert.equal(table.kind, "Table");
    assert.equal(table.apiVersion, "meta.k8s.io/v1");
    assert.deepEqual(table.metadata, { resourceVersion: "99", continue: "next-token" });
    assert.deepEqual(table.columnDefinitions[1], {
      name: "Data",
      type: "string",
      format: "",
      description: "Data contains the configuration data.",
      priority: 0,
    });
    assert.equal(table.columnDefinitions[0].format, "name");
    assert.deepEqual(table.rows, [
      {
        cells: ["settings", 3, "10m"],
        object: { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: configMap.metadata },
      },
    ]);
  });

  it("includes the full object or nothing as includeObject asks", () => {
    const full = toTable([configMap], { group: "", kind: "ConfigMap", includeObject: "Object", now: NOW });
    assert.equal(full.rows[0].object, configMap);
    const none = toTable([configMap], { group: "", kind: "ConfigMap", includeObject: "None", now: NOW });
    assert.equal("object" in none.rows[0], false);
    const meta = toTable([configMap], { group: "", kind: "ConfigMap", includeObject: "Metadata", now: NOW });
    assert.equal(meta.rows[0].object?.kind, "PartialObjectMetadata");
  });

  it("rejects an unknown includeObject value with BadRequest", () => {
    assert.throws(
      () => toTable([configMap], { group: "", kind: "ConfigMap", includeObject: "Everything" }),
      (err: unknown) =>
        err instanceof ApiError &&
        err.code === 400 &&
        err.message === 'unrecognized includeObject value: "Everything"',
    );
  });

  it("omits column definitions with noHeaders and leaves empty list metadata out", () => {
    const table = toTable([], {
      group: "",
      kind: "ConfigMap",
      noHeaders: true,
      listMeta: { resourceVersion: "" },
    });
    assert.deepEqual(table.columnDefinitions, []);
    assert.deepEqual(table.metadata, {});
    assert.deepEqual(table.rows, []);
  });

  it("prints kinds without a printer as NAME, AGE and a wide CREATED AT", () => {
    const rollout: KubeObject = {
      apiVersion: "mcp.platform/v1",
      kind: "Rollout",
      metadata: { name: "upgrade", creationTimestamp: "2024-05-01T11:00:00.000Z" },
    };
    const table = toTable([rollout], { group: "mcp.platform", kind: "Rollout", now: NOW });
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.type, c.priority]),
      [
        ["Name", "string", 0],
        ["Age", "string", 0],
        ["Created At", "date", 1],
      ],
    );
    assert.deepEqual(table.rows[0].cells, ["upgrade", "60m", "2024-05-01T11:00:00Z"]);
  });

  it("prints Role, ClusterRole and CRDs with Kubernetes' default NAME / CREATED AT table", () => {
    const role: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: "reader", creationTimestamp: "2024-04-30T10:00:00Z" },
    };
    const table = toTable([role], { group: "rbac.authorization.k8s.io", kind: "Role", now: NOW });
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ["Name", "Created At"],
    );
    assert.deepEqual(table.rows[0].cells, ["reader", "2024-04-30T10:00:00Z"]);
  });

  it("prints RoleBindings with their subjects", () => {
    const binding: KubeObject = {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: "ops", creationTimestamp: "2024-05-01T11:59:00Z" },
      roleRef: { kind: "ClusterRole", name: "admin" },
      subjects: [
        { kind: "User", name: "alice" },
        { kind: "User", name: "bob" },
        { kind: "Group", name: "sre" },
        { kind: "ServiceAccount", name: "ci", namespace: "build" },
      ],
    } as KubeObject;
    const table = toTable([binding], { group: "rbac.authorization.k8s.io", kind: "RoleBinding", now: NOW });
    assert.deepEqual(table.rows[0].cells, [
      "ops",
      "ClusterRole/admin",
      "60s",
      "alice, bob",
      "sre",
      "build/ci",
    ]);
  });
});

describe("toTable with CRD additionalPrinterColumns", () => {
  const db: KubeObject = {
    apiVersion: "example.com/v1",
    kind: "Database",
    metadata: { name: "orders", creationTimestamp: "2024-05-01T11:55:00Z" },
    spec: { engine: "postgres", replicas: 2.7, tls: true, labels: { b: "2", a: "<1>" } },
    status: { conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2024-05-01T11:59:00Z" }] },
  };

  it("evaluates each column's JSONPath and converts by type", () => {
    const table = toTable([db], {
      group: "example.com",
      kind: "Database",
      now: NOW,
      printerColumns: [
        { name: "Engine", type: "string", jsonPath: ".spec.engine" },
        { name: "Replicas", type: "integer", jsonPath: ".spec.replicas", description: "How many." },
        { name: "Exact", type: "number", jsonPath: ".spec.replicas", priority: 1 },
        { name: "TLS", type: "boolean", jsonPath: ".spec.tls" },
        { name: "Ready", type: "string", jsonPath: '.status.conditions[?(@.type=="Ready")].status' },
        { name: "Since", type: "date", jsonPath: ".status.conditions[0].lastTransitionTime" },
        { name: "Labels", type: "string", jsonPath: ".spec.labels" },
        { name: "Missing", type: "string", jsonPath: ".spec.nothing" },
        { name: "Mistyped", type: "boolean", jsonPath: ".spec.engine" },
      ],
    });
    assert.deepEqual(table.columnDefinitions[1], {
      name: "Engine",
      type: "string",
      format: "",
      description: "Custom resource definition column (in JSONPath format): .spec.engine",
      priority: 0,
    });
    assert.equal(table.columnDefinitions[2].description, "How many.");
    assert.deepEqual(table.rows[0].cells, [
      "orders",
      "postgres",
      2,
      2.7,
      true,
      "True",
      "60s",
      '{"a":"\\u003c1\\u003e","b":"2"}',
      null,
      null,
    ]);
  });

  it("defaults to an AGE column when the CRD declares none", () => {
    const table = toTable([db], { group: "example.com", kind: "Database", printerColumns: [], now: NOW });
    assert.deepEqual(
      table.columnDefinitions.map((c) => [c.name, c.type]),
      [
        ["Name", "string"],
        ["Age", "date"],
      ],
    );
    assert.deepEqual(table.rows[0].cells, ["orders", "5m"]);
  });
});
