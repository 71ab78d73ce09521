import assert from "node:assert/strict";
import { test } from "node:test";
import { createToken, lookupToken } from "../../apiserver/auth/tokens.ts";
import { startClusterControllers } from "./index.ts";
import { eventually, startTestHub, type TestHub } from "./testing.ts";
import { clusterUserName } from "./unjoin.ts";

async function clusterWithCredentials(hub: TestHub, name: string) {
  const c = await hub.client.create({
    apiVersion: "mcp.platform/v1",
    kind: "Cluster",
    metadata: { name },
    spec: { mode: "Pull", syncInterval: "1h" },
  });
  await hub.credentials.put(name, c.metadata.uid!, { token: `push-${name}` });
  const { token } = await createToken(hub.store, {
    user: { name: clusterUserName(name), groups: ["system:clusters"] },
  });
  return { uid: c.metadata.uid!, token };
}

test("deleting a Cluster revokes its tokens, deletes its credential and tells the listeners", async (t) => {
  const hub = await startTestHub();
  const controllers = startClusterControllers({
    store: hub.store,
    client: hub.client,
    credentials: hub.credentials,
    log: hub.log,
    metrics: hub.metrics,
  });
  t.after(async () => {
    await controllers.stop();
    await hub.close();
  });
  await controllers.synced;
  const gone = await clusterWithCredentials(hub, "gone");
  const kept = await clusterWithCredentials(hub, "kept");
  const unjoined: string[] = [];
  controllers.onUnjoined((name) => unjoined.push(name));
  const unsubscribed: string[] = [];
  controllers.onUnjoined((name) => unsubscribed.push(name))();

  const res = await hub.req("DELETE", "/apis/mcp.platform/v1/clusters/gone");
  assert.equal(res.status, 200);
  await eventually(
    async () => unjoined,
    (u) => u.length === 1,
  );
  assert.deepEqual(unjoined, ["gone"]);
  assert.deepEqual(unsubscribed, []);
  assert.equal(await lookupToken(hub.store, gone.token), undefined, "the agent's token no longer works");
  assert.equal(await hub.credentials.get("gone"), undefined);
  assert.ok(await lookupToken(hub.store, kept.token), "other clusters keep theirs");
  assert.ok(await hub.credentials.get("kept"));
  assert.doesNotMatch(await hub.metrics.metrics(), /cluster="gone"/);
});

test("deletes missed while the hub was down are cleaned up at start, without touching a re-joined cluster", async (t) => {
  const hub = await startTestHub();
  t.after(() => hub.close());
  const ghost = await clusterWithCredentials(hub, "ghost");
  const rejoined = await clusterWithCredentials(hub, "rejoined");
  // "ghost" was deleted while no controller ran; "rejoined" was deleted and joined again, and
  // its old incarnation's credential was left behind under a stale uid.
  await hub.client.delete({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "ghost" });
  await hub.credentials.put("stale", "old-uid", { token: "x" });

  const unjoined: string[] = [];
  const controllers = startClusterControllers({
    store: hub.store,
    client: hub.client,
    credentials: hub.credentials,
    log: hub.log,
    metrics: hub.metrics,
  });
  controllers.onUnjoined((name) => unjoined.push(name));
  t.after(() => controllers.stop());
  await controllers.synced;

  assert.equal(await lookupToken(hub.store, ghost.token), undefined);
  assert.equal(await hub.credentials.get("ghost"), undefined);
  assert.equal(await hub.credentials.get("stale"), undefined);
  assert.deepEqual(unjoined.sort(), ["ghost", "stale"]);
  assert.ok(await lookupToken(hub.store, rejoined.token));
  assert.equal((await hub.credentials.get("rejoined"))?.clusterUid, rejoined.uid);
});
