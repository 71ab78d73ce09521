// The status controller's Events: sync failures with the member's error and the cluster, status
// aggregation completing — once per transition, however often acks rewrite the status.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { eventually } from "../clusters/testing.ts";
import { configMap, startHarness } from "./propagation-testing.ts";
import { workSpec } from "./work-object.ts";
import { recordAck } from "./work-status.ts";

const id = { apiVersion: "v1", kind: "ConfigMap", namespace: "shop", name: "settings" };
const events = async (h: { client: { list(a: string, k: string, ns: string): Promise<KubeObject[]> } }) =>
  (await h.client.list("v1", "Event", "shop"))
    .filter((e) => (e.involvedObject as { kind: string }).kind === "ConfigMap")
    .map((e) => `${e.type} ${e.reason} x${e.count}: ${e.message}`)
    .sort();

test("sync failures and full application are events on the template, once per transition", async (t) => {
  const h = await startHarness(t);
  await h.client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
  const names = ["c0", "c1", "c2"];
  for (const n of names) await h.cluster(n);
  const template = await h.create(configMap("settings", { a: "1" }));
  await h.bind(template, { clusters: names.map((name) => ({ name })) });
  await h.settle();
  const ack = async (cluster: string, status: { applied: boolean; reason?: string; message?: string }) => {
    const revision = workSpec((await h.work(cluster))!).revision;
    await recordAck(h.client, cluster, { revision, statuses: [{ identifier: id, revision, ...status }] });
  };
  const conflict = {
    applied: false,
    reason: "Conflict",
    message: "configmaps settings exists and is not managed by MCP",
  };

  for (let round = 0; round < 3; round++) {
    // The same acks again and again (every resync): the failures are told once.
    await ack("c0", conflict);
    await ack("c1", conflict);
    await ack("c2", { applied: true });
    await h.settle();
  }
  assert.deepEqual(await events(h), [
    "Warning SyncFailed x1: clusters c0, c1: Conflict: configmaps settings exists and is not managed by MCP",
  ]);

  for (let round = 0; round < 3; round++) {
    for (const n of names) await ack(n, { applied: true });
    await h.settle();
  }
  await eventually(
    () => events(h),
    (e) => e.length === 2,
  );
  assert.deepEqual(
    (await events(h))[0],
    "Normal AggregateStatusSucceed x1: Aggregated status: applied in all 3 clusters",
  );
  const onBinding = (await h.client.list("v1", "Event", "shop")).filter(
    (e) => (e.involvedObject as { kind: string }).kind === "ResourceBinding",
  );
  assert.equal(onBinding.length, 2, "the binding has the same two events");
});
