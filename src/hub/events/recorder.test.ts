import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { COMBINED_PREFIX } from "./correlator.ts";
import { EventRecorder } from "./recorder.ts";

async function setup() {
  const client = new InternalClient(new ObjectStore(openMemoryStore()), hubResourceRegistry());
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "shop" } });
  const cm = await client.create({
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "x", namespace: "shop" },
  });
  return { client, cm };
}

test("record() returns at once; flush() sees identical events counted on one Event", async () => {
  const { client, cm } = await setup();
  const recorder = new EventRecorder({ client, component: "test", log: pino({ level: "silent" }) });
  for (let i = 0; i < 5; i++)
    recorder.record({ involved: cm, type: "Normal", reason: "ScheduleBindingSucceed", message: "same" });
  await recorder.flush();
  const events = await client.list("v1", "Event", "shop");
  assert.equal(events.length, 1);
  assert.equal(events[0].count, 5);
  assert.deepEqual(events[0].source, { component: "test" });
  await recorder.stop();
});

test("similar events (same object and reason, other messages) are combined after ten", async () => {
  const { client, cm } = await setup();
  const recorder = new EventRecorder({ client, component: "test", log: pino({ level: "silent" }) });
  for (let i = 0; i < 30; i++)
    recorder.record({ involved: cm, type: "Warning", reason: "SyncFailed", message: `error #${i}` });
  await recorder.flush();
  const events = await client.list("v1", "Event", "shop");
  assert.equal(events.length, 10, "nine on their own, then one combined");
  const combined = events.find((e) => String(e.message).startsWith(COMBINED_PREFIX));
  assert.equal(combined?.count, 21);
  assert.equal(combined?.message, `${COMBINED_PREFIX}error #29`, "the latest message");
  await recorder.stop();
});

test("a full queue drops new events instead of growing; stop() drops what waits", async () => {
  const { client, cm } = await setup();
  const recorder = new EventRecorder({
    client,
    component: "test",
    log: pino({ level: "silent" }),
    maxPending: 3,
    concurrency: 1,
  });
  for (let i = 0; i < 10; i++)
    recorder.record({ involved: cm, type: "Normal", reason: `R${i}`, message: "m" });
  // One is being written, three wait, six are dropped.
  assert.equal(recorder.dropped, 6);
  await recorder.flush();
  assert.equal((await client.list("v1", "Event", "shop")).length, 4);
  await recorder.stop();
  recorder.record({ involved: cm, type: "Normal", reason: "Late", message: "m" });
  assert.equal(recorder.dropped, 7);
});
