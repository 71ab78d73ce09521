import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { configMap } from "./propagation-testing.ts";
import { bindingRefOf } from "./scheduler-bindings.ts";
import {
  clusterNames,
  deployment,
  propagationPolicy,
  scheduledCondition,
  startSchedulerTest,
  T0,
  targets,
} from "./scheduler-testing.ts";

const dividedWithFailover = (tolerationSeconds: number) =>
  propagationPolicy("web", {
    resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }],
    placement: { replicaScheduling: { replicaSchedulingType: "Divided" } },
    failover: { application: { decisionConditions: { tolerationSeconds } } },
  });

const evictions = (b: KubeObject | undefined) =>
  (b?.spec as { gracefulEvictions?: { cluster: string; reason: string; since: string }[] } | undefined)
    ?.gracefulEvictions;

test("failover: a cluster Unknown longer than the toleration loses its share; back and replaced, it is released", async (t) => {
  const clock = { now: T0 };
  const h = await startSchedulerTest(t, { clock });
  await h.cluster("a");
  await h.cluster("b");
  await h.apply(configMap("web-config", {}));
  await h.apply(
    deployment("web", {
      replicas: 4,
      podSpec: {
        containers: [{ name: "web", image: "x", envFrom: [{ configMapRef: { name: "web-config" } }] }],
      },
    }),
  );
  await h.apply(dividedWithFailover(60));
  const placed = await h.waitBinding("shop", "web-deployment", (b) => targets(b).length === 2);
  assert.deepEqual(targets(placed), [
    { name: "a", replicas: 2 },
    { name: "b", replicas: 2 },
  ]);

  // a stops reporting. Within the toleration nothing moves.
  clock.now = T0 + 1_000;
  await h.setReady("a", "Unknown", T0 + 1_000);
  clock.now = T0 + 60_000;
  h.scheduler.resync();
  await h.scheduler.idle();
  assert.equal(
    (await h.binding("shop", "web-deployment"))?.metadata.resourceVersion,
    placed?.metadata.resourceVersion,
  );

  // Past it: a's share goes to b, a is evicted (its copy stays: the Work builder keeps it).
  clock.now = T0 + 61_001;
  h.scheduler.resync();
  const failed = await h.waitBinding("shop", "web-deployment", (b) => (evictions(b) ?? []).length === 1);
  assert.deepEqual(targets(failed), [{ name: "b", replicas: 4 }]);
  assert.deepEqual(evictions(failed), [
    { cluster: "a", reason: "ClusterNotReady", since: new Date(T0 + 61_001).toISOString() },
  ]);
  assert.match(scheduledCondition(failed)?.message ?? "", /evicting a/);
  // The evicted cluster still holds a copy, so the ConfigMap it needs stays there.
  const cm = await h.binding("shop", "web-config-configmap");
  assert.deepEqual(clusterNames(cm), ["a", "b"]);

  // a is back, but the status does not show b available yet: the eviction stays.
  clock.now = T0 + 120_000;
  await h.setReady("a", "True", T0 + 120_000);
  await h.scheduler.idle();
  assert.deepEqual(evictions(await h.binding("shop", "web-deployment")), evictions(failed));

  // The status aggregator reports b available: released, a placed again.
  await h.client.mutate(
    bindingRefOf("shop", "web-deployment"),
    (b) => ({
      ...b,
      status: {
        ...(b.status as object),
        aggregatedStatus: [{ cluster: "b", applied: true, health: "Healthy" }],
      },
    }),
    { status: true },
  );
  const released = await h.waitBinding("shop", "web-deployment", (b) => evictions(b) === undefined);
  assert.deepEqual(targets(released), [
    { name: "a", replicas: 2 },
    { name: "b", replicas: 2 },
  ]);
  // The status the aggregator wrote survives the scheduler's writes.
  assert.deepEqual((released?.status as { aggregatedStatus?: unknown } | undefined)?.aggregatedStatus, [
    { cluster: "b", applied: true, health: "Healthy" },
  ]);
});

test("failover deadline fires on its own", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("a");
  await h.cluster("b");
  await h.apply(deployment("web", { replicas: 2 }));
  await h.apply(dividedWithFailover(1));
  await h.waitBinding("shop", "web-deployment", (b) => targets(b).length === 2);
  await h.setReady("b", "False", Date.now());
  const failed = await h.waitBinding("shop", "web-deployment", (b) => (evictions(b) ?? []).length === 1);
  assert.deepEqual(targets(failed), [{ name: "a", replicas: 2 }]);
  assert.equal(evictions(failed)?.[0].cluster, "b");
});

test("without failover a cluster that stays Unknown keeps its share", async (t) => {
  const clock = { now: T0 };
  const h = await startSchedulerTest(t, { clock });
  await h.cluster("a");
  await h.cluster("b");
  await h.apply(deployment("web", { replicas: 4 }));
  await h.apply(
    propagationPolicy("web", {
      resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }],
      placement: { replicaScheduling: { replicaSchedulingType: "Divided" } },
    }),
  );
  await h.waitBinding("shop", "web-deployment", (b) => targets(b).length === 2);
  await h.setReady("a", "Unknown", T0);
  clock.now = T0 + 3_600_000;
  h.scheduler.resync();
  await h.scheduler.idle();
  const b = await h.binding("shop", "web-deployment");
  assert.deepEqual(targets(b), [
    { name: "a", replicas: 2 },
    { name: "b", replicas: 2 },
  ]);
  assert.equal(evictions(b), undefined);
});
