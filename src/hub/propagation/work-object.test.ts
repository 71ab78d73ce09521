import assert from "node:assert/strict";
import { test } from "node:test";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { CLUSTER_LABEL, newWork, workRef } from "./work-object.ts";

test("the Work of a cluster with a 253-character name is valid: its cluster label is shortened", async () => {
  const client = new InternalClient(new ObjectStore(openMemoryStore()), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "mcp-system" } });
  const name = `east-${"a".repeat(244)}-001`;
  assert.equal(name.length, 253);
  const cluster = await client.create({
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name },
    spec: {},
  });
  const spec = { cluster: name, revision: 1, manifests: [], deletions: [], suspendDispatching: false };
  const stored = await client.create(newWork(cluster, spec, new Set()));
  const label = stored.metadata.labels?.[CLUSTER_LABEL] ?? "";
  assert.ok(label.length <= 63 && label.startsWith("east-a"), label);
  // Found by its name (the cluster's), never by the label.
  assert.equal((await client.get(workRef(name)))?.metadata.uid, stored.metadata.uid);
  const short = newWork({ ...cluster, metadata: { ...cluster.metadata, name: "sim-001" } }, spec, new Set());
  assert.equal(short.metadata.labels?.[CLUSTER_LABEL], "sim-001");
});
