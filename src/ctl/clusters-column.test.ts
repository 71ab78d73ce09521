import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import type { Table } from "../apiserver/table/types.ts";
import { withClustersColumn } from "./clusters-column.ts";

const binding = (name: string, spec: object, status: object) =>
  ({
    apiVersion: "mcp.platform/v1",
    kind: "ResourceBinding",
    metadata: { name: `${name}-deployment`, namespace: "shop" },
    spec: { resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name }, ...spec },
    status,
  }) as unknown as KubeObject;

describe("get -o wide: the CLUSTERS column", () => {
  it("shows each target cluster's state per template row, <none> when not propagated", () => {
    const table: Table = {
      kind: "Table",
      apiVersion: "meta.k8s.io/v1",
      metadata: {},
      columnDefinitions: [{ name: "Name", type: "string", format: "name", description: "", priority: 0 }],
      rows: ["web", "batch", "solo"].map((name) => ({
        cells: [name],
        object: {
          kind: "PartialObjectMetadata",
          apiVersion: "meta.k8s.io/v1",
          metadata: { name, namespace: "shop" },
        },
      })) as Table["rows"],
    };
    const out = withClustersColumn(table, "Deployment", [
      binding(
        "web",
        { clusters: [{ name: "east-1" }, { name: "east-2" }] },
        {
          aggregatedStatus: [
            { cluster: "east-1", applied: true },
            { cluster: "east-2", applied: false, reason: "Conflict" },
          ],
        },
      ),
      binding(
        "batch",
        {
          clusters: [
            { name: "east-1", replicas: 4 },
            { name: "east-2", replicas: 2 },
          ],
        },
        { aggregatedStatus: [{ cluster: "east-1", applied: true, availableReplicas: 4 }] },
      ),
    ]);
    assert.equal(out.columnDefinitions.at(-1)?.priority, 1);
    assert.deepEqual(
      out.rows.map((r) => r.cells.at(-1)),
      ["east-1, east-2 Conflict", "east-1 4/4, east-2 Pending", "<none>"],
    );
  });
});
