// Report storage and its bounded history, over the hub's registry on a memory store: the latest
// report per cluster by name, earlier scans archived in full and summarised on it, the oldest
// pruned, and a retried report of the same scan replacing its own result.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import type { HistoryEntry, ReportStatus } from "../../diag/fleet/report.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { archiveName, HISTORY_LIMIT, storeReport } from "./reports.ts";

async function setup() {
  const client = new InternalClient(new ObjectStore(openMemoryStore()), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "mcp-system" } });
  return client;
}

const status = (i: number): ReportStatus => ({
  scannedAt: `2026-01-01T00:${String(i).padStart(2, "0")}:00Z`,
  score: 100 - i,
  kubernetesVersion: "v1.29.4",
  summary: { error: 0, warning: i, info: 0 },
  findings: [{ code: "MCP-WL-004", severity: "warning", object: `default/Deployment/d${i}`, message: "m" }],
});

const reports = (client: InternalClient) => client.list("mcp.platform/v1", "DiagnosticReport", "mcp-system");
const get = async (client: InternalClient, name: string) =>
  client.get({ apiVersion: "mcp.platform/v1", kind: "DiagnosticReport", namespace: "mcp-system", name });

test("the latest report per cluster, earlier scans archived and summarised, the oldest pruned", async () => {
  const client = await setup();
  const scans = Array.from({ length: HISTORY_LIMIT + 2 }, (_, i) => `scan-${i + 1}`);
  for (const [i, scan] of scans.entries()) await storeReport(client, "sim-001", scan, {}, status(i + 1));

  const latest = (await get(client, "sim-001"))!;
  assert.deepEqual(latest.metadata.labels, {
    "mcp.platform/scan": "scan-12",
    "mcp.platform/cluster": "sim-001",
    "mcp.platform/report": "latest",
  });
  const s = latest.status as ReportStatus;
  assert.equal(s.score, 88);
  const history = s.history as HistoryEntry[];
  assert.deepEqual(
    history.map((h) => h.scan),
    ["scan-11", "scan-10", "scan-9", "scan-8", "scan-7", "scan-6", "scan-5", "scan-4", "scan-3"],
  );
  assert.deepEqual(history[0], {
    scan: "scan-11",
    scannedAt: "2026-01-01T00:11:00Z",
    score: 89,
    summary: { error: 0, warning: 11, info: 0 },
    kubernetesVersion: "v1.29.4",
  });

  // One object per kept scan: the latest and an archive per history entry; scans 1 and 2 pruned.
  const names = (await reports(client)).map((r) => r.metadata.name).sort();
  assert.deepEqual(names, ["sim-001", ...history.map((h) => archiveName("sim-001", h.scan))].sort());
  assert.equal(names.length, HISTORY_LIMIT);

  const archived = (await get(client, "sim-001.scan-5"))!;
  assert.deepEqual(archived.metadata.labels, {
    "mcp.platform/scan": "scan-5",
    "mcp.platform/cluster": "sim-001",
    "mcp.platform/report": "history",
  });
  assert.equal(archived.metadata.ownerReferences?.[0].uid, latest.metadata.uid);
  assert.deepEqual(archived.status, status(5), "the full report, findings included, no history of its own");
  assert.deepEqual(archived.spec, { cluster: "sim-001" });
});

test("a report of the same scan again replaces its result; clusters keep separate histories", async () => {
  const client = await setup();
  await storeReport(client, "a", "scan-1", {}, { scannedAt: "t0", error: "cluster offline" });
  await storeReport(client, "b", "scan-1", {}, status(1));
  await storeReport(client, "a", "scan-1", {}, status(2));
  await storeReport(client, "a", "scan-2", { targetVersion: "1.30" }, status(3));
  await storeReport(client, "b", "scan-2", {}, status(4));

  const a = (await get(client, "a")) as KubeObject;
  assert.deepEqual(a.spec, { cluster: "a", targetVersion: "1.30" });
  assert.deepEqual(
    (a.status as ReportStatus).history?.map((h) => [h.scan, h.score]),
    [["scan-1", 98]],
    "scan-1's retried result, not the offline one",
  );
  const byScan = (await reports(client))
    .filter((r) => r.metadata.labels?.["mcp.platform/scan"] === "scan-1")
    .map((r) => r.metadata.name)
    .sort();
  assert.deepEqual(byScan, ["a.scan-1", "b.scan-1"], "one report per cluster for an earlier scan");
});
