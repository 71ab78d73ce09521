// The simulated clusters' event recorder: Events shaped as kube-controller-manager, the kubelet
// and the scheduler write them; repeats counted on one object instead of new ones; bursts folded
// into one write; and events deleted after their TTL or beyond the cap.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { builtinResourceTypes } from "../../apiserver/resources/builtin.ts";
import { ResourceRegistry } from "../../apiserver/resources/registry.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { COMBINED_PREFIX } from "../../util/event-aggregator.ts";
import { EventRecorder, type EventRecorderOptions } from "./recorder.ts";

/** The core/v1 Event fields these tests read. */
interface EventView extends KubeObject {
  involvedObject: Record<string, string>;
  source: Record<string, string>;
  type: string;
  reason: string;
  message: string;
  count?: number;
  firstTimestamp: string | null;
  lastTimestamp: string | null;
  eventTime: string | null;
  action?: string;
  reportingComponent: string;
  reportingInstance: string;
  series: { count: number; lastObservedTime: string };
}

function setup(t: { after(fn: () => Promise<void>): void }, opts: Partial<EventRecorderOptions> = {}) {
  const store = openMemoryStore();
  const client = new InternalClient(new ObjectStore(store), new ResourceRegistry(builtinResourceTypes()));
  const clock = { ms: Date.parse("2024-05-01T10:00:00Z") };
  const recorder = new EventRecorder({ client, now: () => clock.ms, ...opts });
  t.after(async () => {
    recorder.stop();
    await store.close();
  });
  const events = async () => (await client.list("v1", "Event", "default")) as EventView[];
  return { store, client, clock, recorder, events };
}

const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default", uid: "d-1", resourceVersion: "7" },
};
const pod: KubeObject = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "web-abc", namespace: "default", uid: "p-1", resourceVersion: "9" },
};

test("a controller's event reads as client-go's recorder writes it", async (t) => {
  const { recorder, events } = setup(t);
  recorder.record(deployment, {
    reason: "ScalingReplicaSet",
    message: "Scaled up replica set web-5d9 from 0 to 2",
    component: "deployment-controller",
  });
  await recorder.flush();
  const [e] = await events();
  assert.match(e.metadata.name!, /^web\.[0-9a-f]{16,}$/);
  assert.deepEqual(e.involvedObject, {
    kind: "Deployment",
    namespace: "default",
    name: "web",
    uid: "d-1",
    apiVersion: "apps/v1",
    resourceVersion: "7",
  });
  assert.equal(e.type, "Normal");
  assert.deepEqual(e.source, { component: "deployment-controller" });
  assert.equal(e.reportingComponent, "deployment-controller");
  assert.equal(e.count, 1);
  assert.equal(e.firstTimestamp, "2024-05-01T10:00:00Z");
  assert.equal(e.lastTimestamp, e.firstTimestamp);
  assert.equal(e.eventTime, null);
});

test("a repeated event bumps count and lastTimestamp on the same object", async (t) => {
  const { recorder, events, clock } = setup(t);
  const pulled = {
    reason: "Pulled",
    message: 'Container image "nginx:1.25" already present on machine',
    component: "kubelet",
    host: "node-1",
    fieldPath: "spec.containers{app}",
  };
  recorder.record(pod, pulled);
  await recorder.flush();
  clock.ms += 30_000;
  recorder.record(pod, pulled);
  clock.ms += 30_000;
  recorder.record(pod, pulled);
  await recorder.flush();
  const all = await events();
  assert.equal(all.length, 1);
  assert.equal(all[0].count, 3);
  assert.equal(all[0].firstTimestamp, "2024-05-01T10:00:00Z");
  assert.equal(all[0].lastTimestamp, "2024-05-01T10:01:00Z");
  assert.deepEqual(all[0].source, { component: "kubelet", host: "node-1" });
  assert.equal(all[0].involvedObject.fieldPath, "spec.containers{app}");
  // A different container of the same pod is a different event.
  recorder.record(pod, { ...pulled, fieldPath: "spec.containers{sidecar}" });
  await recorder.flush();
  assert.equal((await events()).length, 2);
});

test("a burst of repeats is one write, not one per repeat", async (t) => {
  const { recorder, events, store } = setup(t);
  const before = await store.currentRevision();
  for (let i = 0; i < 50; i++)
    recorder.record(pod, { type: "Warning", reason: "BackOff", message: "Back-off", component: "kubelet" });
  await recorder.flush();
  assert.equal((await events())[0].count, 50);
  assert.ok((await store.currentRevision()) - before <= 2, "the create, then at most one update");
});

test("more than 10 distinct messages of one reason are combined into one counted event", async (t) => {
  const { recorder, events } = setup(t);
  for (let i = 0; i < 12; i++)
    recorder.record(deployment, {
      reason: "SuccessfulCreate",
      message: `Created pod: web-${i}`,
      component: "x",
    });
  await recorder.flush();
  const all = await events();
  assert.equal(all.length, 10);
  const combined = all.filter((e) => e.message.startsWith(COMBINED_PREFIX));
  assert.equal(combined.length, 1);
  assert.equal(combined[0].message, `${COMBINED_PREFIX}Created pod: web-11`);
  assert.equal(combined[0].count, 3);
});

test("the scheduler's events carry eventTime, action and a series instead of a count", async (t) => {
  const { recorder, events } = setup(t);
  const info = {
    reason: "FailedScheduling",
    type: "Warning" as const,
    message: "0/3 nodes are available: 3 Insufficient cpu.",
    component: "default-scheduler",
    action: "Scheduling",
    reportingInstance: "default-scheduler-cp",
  };
  recorder.record(pod, info);
  await recorder.flush();
  let [e] = await events();
  assert.equal(e.action, "Scheduling");
  assert.match(e.eventTime ?? "", /^2024-05-01T10:00:00\.\d{6}Z$/);
  assert.deepEqual(e.source, {});
  assert.equal(e.firstTimestamp, null);
  assert.equal(e.count, undefined);
  assert.equal(e.reportingComponent, "default-scheduler");
  assert.equal(e.reportingInstance, "default-scheduler-cp");
  recorder.record(pod, info);
  await recorder.flush();
  [e] = await events();
  assert.equal(e.series.count, 2);
});

test("events expire after the TTL, and the oldest go beyond the cap", async (t) => {
  const { recorder, events, clock } = setup(t, { ttlMs: 60_000, maxEvents: 3 });
  const say = (m: string) => recorder.record(pod, { reason: "R", message: m, component: "c" });
  say("a");
  clock.ms += 40_000;
  say("b");
  await recorder.flush();
  clock.ms += 30_000;
  recorder.expire();
  await recorder.flush();
  assert.deepEqual(
    (await events()).map((e) => e.message),
    ["b"],
    "a is past its TTL",
  );
  say("c");
  say("d");
  say("e");
  await recorder.flush();
  assert.deepEqual((await events()).map((e) => e.message).sort(), ["c", "d", "e"]);
  assert.equal(recorder.size, 3);
  // A repeat keeps an event alive: updated, it is the newest again.
  say("c");
  say("f");
  await recorder.flush();
  assert.deepEqual((await events()).map((e) => e.message).sort(), ["c", "e", "f"]);
});

test("an event deleted behind the recorder's back is written again on its next repeat", async (t) => {
  const { recorder, events, client } = setup(t);
  const info = { reason: "R", message: "m", component: "c" };
  recorder.record(pod, info);
  await recorder.flush();
  const [e] = await events();
  await client.delete({ apiVersion: "v1", kind: "Event", namespace: "default", name: e.metadata.name! });
  recorder.record(pod, info);
  await recorder.flush();
  const again = await events();
  assert.equal(again.length, 1);
  assert.equal(again[0].count, 2);
});
