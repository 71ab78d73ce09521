// Event expiry through a real hub (--event-ttl): an Event written through the API is gone once it
// is older than the TTL, and one that expired while the hub was down is deleted as it starts.
import assert from "node:assert/strict";
import { join } from "node:path";
import { test } from "node:test";
import { eventually, startTestHub } from "../../agent/testing.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openSqliteStore } from "../../storage/sqlite/sqlite-store.ts";
import { hubResourceRegistry } from "../hub.ts";

const EVENTS = "/api/v1/namespaces/default/events";
const stamp = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
const event = (name: string, at: number) => ({
  apiVersion: "v1",
  kind: "Event",
  metadata: { name, namespace: "default", creationTimestamp: stamp(at) },
  involvedObject: { apiVersion: "v1", kind: "Namespace", name: "default" },
  reason: "Test",
  message: name,
  type: "Normal",
  lastTimestamp: stamp(at),
});

test("the hub deletes Events older than --event-ttl, also those it finds at start", async (t) => {
  const h = await startTestHub(t, ["--event-ttl", "2s"]);
  const created = await h.api("POST", EVENTS, event("fresh", Date.now()));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const status = async (name: string) => (await h.api("GET", `${EVENTS}/${name}`)).status;
  assert.equal(await status("fresh"), 200, "kept while younger than the TTL");
  await eventually(async () => assert.equal(await status("fresh"), 404), 10_000);

  // Written while the hub is down, two hours old.
  await h.stop();
  const store = await openSqliteStore({ path: join(h.dataDir, "mcp.db") });
  const rt = hubResourceRegistry().byGroupKind("", "Event")!;
  await new ObjectStore(store).create(rt, event("stale", Date.now() - 2 * 3_600_000));
  await store.close();
  // Started with a TTL of an hour: only the first list after the start can find it expired.
  await h.start(["--event-ttl", "1h"]);
  await eventually(async () => assert.equal(await status("stale"), 404), 10_000);
});
