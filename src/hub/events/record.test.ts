import assert from "node:assert/strict";
import { test } from "node:test";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { recordEvent } from "./record.ts";

async function setup() {
  const client = new InternalClient(new ObjectStore(openMemoryStore()), hubResourceRegistry());
  for (const name of ["default", "team-a"])
    await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name } });
  const cluster = await client.create({
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name: "c1" },
    spec: {},
  });
  return { client, cluster };
}

test("repeats aggregate into one Event with count and first/last timestamps", async () => {
  const { client, cluster } = await setup();
  const spec = {
    involved: cluster,
    type: "Warning" as const,
    reason: "ClusterUnreachable",
    message: "boom",
    component: "test",
  };
  await recordEvent(client, spec, new Date("2026-01-01T00:00:00Z"));
  await recordEvent(client, spec, new Date("2026-01-01T00:01:00Z"));
  const e = await recordEvent(client, spec, new Date("2026-01-01T00:02:00Z"));
  assert.equal(e.count, 3);
  assert.equal(e.firstTimestamp, "2026-01-01T00:00:00Z");
  assert.equal(e.lastTimestamp, "2026-01-01T00:02:00Z");
  assert.equal(e.metadata.namespace, "default", "cluster-scoped objects' events live in default");
  assert.deepEqual(e.source, { component: "test" });
  // A different message is a different event.
  await recordEvent(client, { ...spec, message: "other" });
  assert.equal((await client.list("v1", "Event", "default")).length, 2);
});

test("concurrent identical events all count; namespaced objects keep theirs; long messages are cut", async () => {
  const { client } = await setup();
  const cm = await client.create({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "team-a" },
  });
  const spec = { involved: cm, type: "Normal" as const, reason: "Synced", message: "ok", component: "test" };
  await Promise.all(Array.from({ length: 8 }, () => recordEvent(client, spec)));
  const [e] = await client.list("v1", "Event", "team-a");
  assert.equal(e.count, 8);
  assert.deepEqual(e.involvedObject, {
    apiVersion: "v1",
    kind: "ConfigMap",
    name: "x",
    namespace: "team-a",
    uid: cm.metadata.uid,
    resourceVersion: cm.metadata.resourceVersion,
  });
  const long = await recordEvent(client, { ...spec, message: "x".repeat(5000) });
  assert.equal(String(long.message).length, 1024);
});
