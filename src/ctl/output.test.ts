import assert from "node:assert/strict";
import { test } from "node:test";
import { parse } from "yaml";
import type { KubeObject } from "../apis/meta/types.ts";
import { UsageError } from "../cli/flags.ts";
import {
  formatObjects,
  formatValue,
  itemsOf,
  nameOf,
  noResourcesMessage,
  parseOutput,
  withoutManagedFields,
} from "./output.ts";

const obj: KubeObject = {
  apiVersion: "mcp.platform/v1",
  kind: "Cluster",
  metadata: {
    name: "east-1",
    managedFields: [
      {
        manager: "mcpctl",
        operation: "Apply",
        apiVersion: "mcp.platform/v1",
        fieldsType: "FieldsV1",
        fieldsV1: {},
      },
    ],
  },
  spec: { apiEndpoint: "https://east-1.example.internal:6443", taints: [{ key: "a", effect: "NoSchedule" }] },
};

test("-o values are checked against what the command prints", () => {
  assert.equal(parseOutput(undefined, ["table", "json"], "table"), "table");
  assert.equal(parseOutput("JSON", ["table", "json"], "table"), "json");
  assert.throws(() => parseOutput("xml", ["table", "json"], "table"), UsageError);
  assert.throws(
    () => parseOutput("xml", ["table", "json"], "table"),
    /unsupported output format "xml": use one of table, json/,
  );
});

test("YAML output is kubectl-like: sequences unindented, long strings unfolded, and parses back", () => {
  const text = formatValue(obj, "yaml");
  assert.match(
    text,
    /^spec:\n {2}apiEndpoint: https:\/\/east-1\.example\.internal:6443\n {2}taints:\n {2}- key: a\n/m,
  );
  assert.deepEqual(parse(text), obj);
  const long = "x".repeat(200);
  assert.equal(formatValue({ a: long }, "yaml"), `a: ${long}\n`);
});

test("one object prints alone, several as a v1 List", () => {
  assert.equal(JSON.parse(formatObjects([obj], "json", false)).kind, "Cluster");
  const list = JSON.parse(formatObjects([obj, obj], "json", false));
  assert.deepEqual([list.apiVersion, list.kind, list.items.length], ["v1", "List", 2]);
  assert.equal(JSON.parse(formatObjects([], "json", true)).items.length, 0);
});

test("managedFields are hidden, without touching the original", () => {
  const shown = withoutManagedFields(obj);
  assert.equal(shown.metadata.managedFields, undefined);
  assert.equal(shown.metadata.name, "east-1");
  assert.equal(obj.metadata.managedFields?.length, 1);
});

test("list items get the list's apiVersion and kind; names print as kind.group/name", () => {
  const items = itemsOf({
    apiVersion: "apps/v1",
    kind: "DeploymentList",
    items: [{ metadata: { name: "web" } } as KubeObject],
  });
  assert.deepEqual([items[0].apiVersion, items[0].kind], ["apps/v1", "Deployment"]);
  assert.equal(nameOf(items[0]), "deployment.apps/web");
  assert.equal(nameOf(obj), "cluster.mcp.platform/east-1");
  assert.equal(nameOf({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }), "configmap/c");
});

test("empty results say where nothing was found", () => {
  assert.equal(noResourcesMessage("shop"), "No resources found in shop namespace.\n");
  assert.equal(noResourcesMessage(undefined), "No resources found\n");
});
