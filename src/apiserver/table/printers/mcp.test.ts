import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../../../apis/meta/types.ts";
import { toTable } from "../table.ts";

const NOW = Date.parse("2024-05-01T12:00:00Z");
const GROUP = "mcp.platform";

const cluster = (extra: Partial<KubeObject>): KubeObject => ({
  apiVersion: "mcp.platform/v1",
  kind: "Cluster",
  metadata: { name: "prod-eu-1", creationTimestamp: "2024-04-01T12:00:00Z", ...extra.metadata },
  spec: extra.spec ?? {},
  status: extra.status,
});

describe("Cluster printer", () => {
  it("prints the fleet columns, topology and endpoint when wide", () => {
    const c = cluster({
      metadata: { labels: { "topology.kubernetes.io/region": "eu-west-1", zone: "eu-west-1a" } },
      spec: { mode: "Push", apiEndpoint: "https://10.1.0.1:6443", provider: "aws" },
      status: {
        kubernetesVersion: "v1.30.2",
        nodes: { total: 5, ready: 4 },
        conditions: [
          { type: "Reachable", status: "True" },
          { type: "Ready", status: "False" },
        ],
      },
    });
    const table = toTable([c], { group: GROUP, kind: "Cluster", now: NOW });
    assert.deepEqual(
      table.columnDefinitions.map((d) => `${d.name}${d.priority ? "*" : ""}`),
      ["Name", "Mode", "Ready", "Version", "Nodes", "Region", "Age", "Zone*", "Provider*", "Endpoint*"],
    );
    assert.deepEqual(table.rows[0].cells, [
      "prod-eu-1",
      "Push",
      "False",
      "v1.30.2",
      "4/5",
      "eu-west-1",
      "30d",
      "eu-west-1a",
      "aws",
      "https://10.1.0.1:6443",
    ]);
  });

  it("shows a cluster that has not reported yet", () => {
    const table = toTable([cluster({})], { group: GROUP, kind: "Cluster", now: NOW });
    assert.deepEqual(table.rows[0].cells, [
      "prod-eu-1",
      "Pull",
      "Unknown",
      "<unknown>",
      "0/0",
      "<none>",
      "30d",
      "<none>",
      "<none>",
      "<none>",
    ]);
  });

  it("prefers spec topology over labels", () => {
    const c = cluster({ metadata: { labels: { region: "x" } }, spec: { region: "us-east-1" } });
    assert.equal(toTable([c], { group: GROUP, kind: "Cluster", now: NOW }).rows[0].cells[5], "us-east-1");
  });
});

describe("Work, ClusterPolicy and propagation policy printers", () => {
  const work = (spec: Record<string, unknown>, status?: Record<string, unknown>): KubeObject => ({
    apiVersion: "mcp.platform/v1",
    kind: "Work",
    metadata: {
      name: "web-prod-eu-1",
      namespace: "mcp-cluster-prod-eu-1",
      creationTimestamp: "2024-05-01T11:58:00Z",
    },
    spec: { cluster: "prod-eu-1", workload: { manifests: [] }, ...spec },
    status,
  });
  const cells = (o: KubeObject) => toTable([o], { group: GROUP, kind: o.kind, now: NOW }).rows[0].cells;

  it("prints CLUSTER, REVISION and APPLIED from the condition or the acknowledged revision", () => {
    assert.deepEqual(cells(work({ revision: 7 }, { conditions: [{ type: "Applied", status: "True" }] })), [
      "web-prod-eu-1",
      "prod-eu-1",
      7,
      "True",
      "2m",
    ]);
    assert.equal(cells(work({ revision: 7 }, { appliedRevision: 6 }))[3], "False");
    assert.equal(cells(work({ revision: 7 }, { appliedRevision: 7 }))[3], "True");
    assert.deepEqual(cells(work({})).slice(2, 4), [null, "Unknown"]);
  });

  it("counts ClusterPolicy rules and prints propagation policies with NAME and AGE", () => {
    const policy: KubeObject = {
      apiVersion: "mcp.platform/v1",
      kind: "ClusterPolicy",
      metadata: { name: "no-cross-tenant", creationTimestamp: "2024-05-01T09:00:00Z" },
      spec: {
        rules: [
          { action: "deny", condition: "cross-tenant-access" },
          { action: "audit", condition: "true" },
        ],
      },
    };
    assert.deepEqual(cells(policy), ["no-cross-tenant", 2, "3h"]);
    const pp: KubeObject = {
      apiVersion: "mcp.platform/v1",
      kind: "PropagationPolicy",
      metadata: { name: "web", namespace: "shop", creationTimestamp: "2024-05-01T11:59:30Z" },
    };
    const table = toTable([pp], { group: GROUP, kind: "PropagationPolicy", now: NOW });
    assert.deepEqual(
      table.columnDefinitions.map((c) => c.name),
      ["Name", "Age"],
    );
    assert.deepEqual(table.rows[0].cells, ["web", "30s"]);
  });
});
