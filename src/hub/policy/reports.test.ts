// PolicyReports at the hub for a cluster whose name is as long as a name may be (253 characters):
// stored (the raw name would be an invalid label value), and labelled with the same cluster label
// value as the cluster's Work and DiagnosticReports, so one selector finds all three.
import assert from "node:assert/strict";
import { test } from "node:test";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { reportLabels } from "../../diag/fleet/report.ts";
import { CLUSTER_LABEL } from "../../policy/report.ts";
import { labelValue } from "../../propagation/identity.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { storePolicyReport } from "./reports.ts";

const LONG = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join(".");

test("a cluster with a 253-character name gets its PolicyReport, labelled as its Work is", async () => {
  assert.equal(LONG.length, 253);
  const client = new InternalClient(new ObjectStore(openMemoryStore()), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "mcp-system" } });
  await client.create({
    apiVersion: API_VERSION,
    kind: "Cluster",
    metadata: { name: LONG },
    spec: { mode: "Push", apiEndpoint: "https://10.0.0.1:6443" },
  });

  await storePolicyReport(client, LONG, { lastAuditTime: "2026-01-01T00:00:00Z" });
  const report = await client.get({
    apiVersion: API_VERSION,
    kind: "PolicyReport",
    namespace: "mcp-system",
    name: LONG,
  });
  assert.ok(report, "stored");
  assert.deepEqual(report.spec, { cluster: LONG });
  const value = report.metadata.labels?.[CLUSTER_LABEL] ?? "";
  assert.ok(value.length <= 63, value);
  assert.equal(value, labelValue(LONG));
  // The same value as on the cluster's Work (work-object.ts labels it labelValue(name)) and on its
  // DiagnosticReports.
  assert.equal(reportLabels(LONG, "scan-1")[CLUSTER_LABEL], value);

  // A name that is a valid label value is its own.
  await client.create({ apiVersion: API_VERSION, kind: "Cluster", metadata: { name: "east-1" }, spec: {} });
  await storePolicyReport(client, "east-1", { lastAuditTime: "2026-01-01T00:00:00Z" });
  const short = await client.get({
    apiVersion: API_VERSION,
    kind: "PolicyReport",
    namespace: "mcp-system",
    name: "east-1",
  });
  assert.equal(short?.metadata.labels?.[CLUSTER_LABEL], "east-1");
});
