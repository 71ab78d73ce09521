import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { toTable } from "../table.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");
const ago = (ms: number) => new Date(NOW - ms).toISOString();

function row(obj: KubeObject, group = "apps") {
  const table = toTable([obj], { group, kind: obj.kind, now: NOW });
  return {
    columns: table.columnDefinitions.map((c) => `${c.name}${c.priority ? "*" : ""}`),
    cells: table.rows[0].cells,
  };
}

const deployment = (spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop", creationTimestamp: ago(10 * 60_000) },
  spec,
  status,
});

describe("Deployment printer", () => {
  it("prints READY, UP-TO-DATE, AVAILABLE, AGE and the wide CONTAINERS, IMAGES, SELECTOR", () => {
    const { columns, cells } = row(
      deployment(
        {
          replicas: 3,
          selector: {
            matchLabels: { app: "web" },
            matchExpressions: [{ key: "tier", operator: "In", values: ["b", "a"] }],
          },
          template: {
            spec: {
              containers: [
                { name: "nginx", image: "nginx:1.25" },
                { name: "proxy", image: "envoy:1.30" },
              ],
            },
          },
        },
        { readyReplicas: 2, updatedReplicas: 3, availableReplicas: 2 },
      ),
    );
    assert.deepEqual(columns, [
      "Name",
      "Ready",
      "Up-to-date",
      "Available",
      "Age",
      "Containers*",
      "Images*",
      "Selector*",
    ]);
    assert.deepEqual(cells, [
      "web",
      "2/3",
      3,
      2,
      "10m",
      "nginx,proxy",
      "nginx:1.25,envoy:1.30",
      "app=web,tier in (a,b)",
    ]);
  });

  it("uses the defaulted replica count and an empty selector string when unset", () => {
    const { cells } = row(deployment({ template: { spec: { containers: [] } } }));
    assert.deepEqual(cells, ["web", "0/1", 0, 0, "10m", "", "", ""]);
  });

  it("marks an invalid selector", () => {
    const { cells } = row(
      deployment({ replicas: 1, selector: { matchExpressions: [{ key: "a", operator: "Bogus" }] } }),
    );
    assert.equal(cells[7], "<invalid>");
  });
});

describe("other workload printers", () => {
  it("prints ReplicaSet counts as integers and its selector, <none> when empty", () => {
    const rs: KubeObject = {
      apiVersion: "apps/v1",
      kind: "ReplicaSet",
      metadata: { name: "web-5d8f", creationTimestamp: ago(3 * 3600_000) },
      spec: { replicas: 2, selector: {}, template: { spec: { containers: [{ name: "c", image: "i" }] } } },
      status: { replicas: 2, readyReplicas: 1 },
    };
    assert.deepEqual(row(rs).cells, ["web-5d8f", 2, 2, 1, "3h", "c", "i", "<none>"]);
  });

  it("prints StatefulSet READY as ready/desired", () => {
    const sts: KubeObject = {
      apiVersion: "apps/v1",
      kind: "StatefulSet",
      metadata: { name: "db", creationTimestamp: ago(49 * 3600_000) },
      spec: { replicas: 3, template: { spec: { containers: [{ name: "pg", image: "postgres:16" }] } } },
      status: { readyReplicas: 3 },
    };
    assert.deepEqual(row(sts).cells, ["db", "3/3", "2d1h", "pg", "postgres:16"]);
  });

  it("prints DaemonSet node selectors like kubectl", () => {
    const ds: KubeObject = {
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", creationTimestamp: ago(5000) },
      spec: {
        selector: { matchLabels: { app: "agent" } },
        template: {
          spec: { nodeSelector: { "kubernetes.io/os": "linux" }, containers: [{ name: "a", image: "a:1" }] },
        },
      },
      status: {
        desiredNumberScheduled: 5,
        currentNumberScheduled: 5,
        numberReady: 4,
        updatedNumberScheduled: 5,
        numberAvailable: 4,
      },
    };
    assert.deepEqual(row(ds).cells, [
      "agent",
      5,
      5,
      4,
      5,
      4,
      "kubernetes.io/os=linux",
      "5s",
      "a",
      "a:1",
      "app=agent",
    ]);
  });

  it("prints PodDisruptionBudget bounds as int-or-string, N/A when unset", () => {
    const pdb: KubeObject = {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: "web", creationTimestamp: ago(60_000) },
      spec: { minAvailable: "50%" },
      status: { disruptionsAllowed: 1 },
    };
    assert.deepEqual(row(pdb, "policy").cells, ["web", "50%", "N/A", 1, "60s"]);
  });
});
