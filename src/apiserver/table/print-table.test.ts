import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { printTable } from "./print-table.ts";
import { toTable } from "./table.ts";
import type { Table } from "./types.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");

function deployment(
  name: string,
  namespace: string,
  ready: number,
  replicas: number,
  minutesAgo: number,
): KubeObject {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace, creationTimestamp: new Date(NOW - minutesAgo * 60_000).toISOString() },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { spec: { containers: [{ name, image: `${name}:1.0` }] } },
    },
    status: { readyReplicas: ready, updatedReplicas: replicas, availableReplicas: ready },
  };
}

const table = toTable(
  [deployment("web", "shop", 3, 3, 10), deployment("checkout-api", "payments", 1, 2, 400 * 24 * 60)],
  { group: "apps", kind: "Deployment", now: NOW },
);

describe("printTable", () => {
  it("prints like kubectl get: upper-case headers, 3-space gutters, no wide columns", () => {
    assert.equal(
      printTable(table, { wide: false }),
      [
        "NAME           READY   UP-TO-DATE   AVAILABLE   AGE",
        "web            3/3     3            3           10m",
        "checkout-api   1/2     2            1           400d",
        "",
      ].join("\n"),
    );
  });

  it("adds priority columns with -o wide and NAMESPACE first with --all-namespaces", () => {
    assert.equal(
      printTable(table, { wide: true, showNamespace: true }),
      [
        "NAMESPACE   NAME           READY   UP-TO-DATE   AVAILABLE   AGE    CONTAINERS     IMAGES             SELECTOR",
        "shop        web            3/3     3            3           10m    web            web:1.0            app=web",
        "payments    checkout-api   1/2     2            1           400d   checkout-api   checkout-api:1.0   app=checkout-api",
        "",
      ].join("\n"),
    );
  });

  it("leaves headers out with noHeaders and prints nothing for an empty table", () => {
    assert.equal(
      printTable(table, { wide: false, noHeaders: true }),
      ["web            3/3   3     3     10m", "checkout-api   1/2   2     1     400d", ""].join("\n"),
    );
    assert.equal(printTable({ ...table, rows: [] }, { wide: false }), "");
  });

  it("pads narrow columns to the tabwriter minimum, blanks nulls and cuts multi-line cells", () => {
    const t: Table = {
      kind: "Table",
      apiVersion: "meta.k8s.io/v1",
      metadata: {},
      columnDefinitions: ["A", "B", "Message"].map((name) => ({
        name,
        type: "string",
        format: "",
        description: "",
        priority: 0,
      })),
      rows: [{ cells: ["x", null, "first line\nsecond"] }, { cells: [true, 7, "\x1b[31mred"] }],
    };
    assert.equal(
      printTable(t, { wide: false }),
      ["A      B     MESSAGE", "x            first line...", "true   7     ^[[31mred", ""].join("\n"),
    );
  });
});
