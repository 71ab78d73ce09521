// The HorizontalPodAutoscaler controller in a simulated cluster, on a fake clock: scaling a
// Deployment from the simulated metrics, the default 5-minute scale-down stabilization, a zero
// window through spec.behavior, min/max clamping (also without metrics), status, conditions and
// Events as upstream keeps them, immediate syncs on spec changes, the periodic sync, and no
// periodic work in a cluster without HPAs.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { type HpaController, startHpaController } from "./hpa.ts";
import { CONTROLLERS } from "./index.ts";
import { container, isReady, type SimTest, startSimTest, until, workload } from "./testing.ts";

interface Cond {
  type: string;
  status: string;
  reason: string;
  message: string;
  lastTransitionTime: string;
}

interface HpaStatus {
  currentReplicas?: number;
  desiredReplicas?: number;
  lastScaleTime?: string;
  currentMetrics?: { type: string; resource?: { name: string; current: Record<string, unknown> } }[];
  conditions?: Cond[];
}

const HOUR = 3_600_000;

/** A cluster whose HPA controller runs on `clock` and never syncs on its own unless asked. */
async function cluster(t: Parameters<typeof startSimTest>[0], syncPeriodMs = HOUR) {
  // An hour ahead: the pods' CPU warm-up is long over when the HPA looks at them.
  const clock = { ms: Date.now() + HOUR };
  let hpa!: HpaController;
  const starters = CONTROLLERS.map((start) =>
    start === startHpaController
      ? (env: Parameters<typeof startHpaController>[0]) => {
          hpa = startHpaController(env, { now: () => clock.ms, syncPeriodMs });
          return hpa;
        }
      : start,
  );
  const sim = await startSimTest(t, { starters, profile: { podStartDelayMs: 1 } });
  return { sim, clock, hpa: () => hpa };
}

function deployment(
  name: string,
  replicas: number,
  requests: Record<string, string> | null = { cpu: "100m" },
) {
  return workload("Deployment", name, {
    replicas,
    selector: { matchLabels: { app: name } },
    template: {
      metadata: { labels: { app: name } },
      spec: { containers: [container("nginx:1.25", requests ?? undefined)] },
    },
  });
}

function autoscaler(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    metadata: { name, namespace: "default" },
    spec: {
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name },
      minReplicas: 2,
      maxReplicas: 6,
      metrics: [
        {
          type: "Resource",
          resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } },
        },
      ],
      ...spec,
    },
  };
}

const replicasOf = async (sim: SimTest, name: string) =>
  ((await sim.get("apps/v1", "Deployment", name, "default"))?.spec as { replicas?: number } | undefined)
    ?.replicas;
const hpaStatus = async (sim: SimTest, name: string) =>
  ((await sim.get("autoscaling/v2", "HorizontalPodAutoscaler", name, "default"))?.status ?? {}) as HpaStatus;
const condition = (s: HpaStatus, type: string) => s.conditions?.find((c) => c.type === type);
const readyPods = async (sim: SimTest, app: string, n: number) =>
  until(`${n} ready ${app} pods`, async () => {
    const ready = (await sim.pods()).filter((p) => p.metadata.labels?.app === app && isReady(p));
    return ready.length === n && ready;
  });
const eventsOf = async (sim: SimTest, name: string) =>
  (await sim.events()).filter(
    (e) =>
      (e.involvedObject as { kind: string; name: string }).kind === "HorizontalPodAutoscaler" &&
      (e.involvedObject as { name: string }).name === name,
  ) as unknown as { reason: string; message: string; type: string; source: { component: string } }[];

test("scales up from the metrics, holds a scale-down for 5 minutes, then scales down to minReplicas", async (t) => {
  const { sim, clock, hpa } = await cluster(t);
  await sim.create(deployment("web", 2));
  await readyPods(sim, "web", 2);
  sim.faults.cpuLoad.set("default/web", 0.9);
  await sim.create(autoscaler("web"));

  // Created: synced at once. 90% (±10% spread) of the request against 50%: twice the pods.
  await until("scaled to 4", async () => (await replicasOf(sim, "web")) === 4);
  const up = await until("status after the scale-up", async () => {
    const s = await hpaStatus(sim, "web");
    return s.lastScaleTime ? s : undefined;
  });
  assert.equal(up.currentReplicas, 2);
  assert.equal(up.desiredReplicas, 4);
  const current = up.currentMetrics?.[0]?.resource?.current ?? {};
  assert.ok((current.averageUtilization as number) >= 81 && (current.averageUtilization as number) <= 99);
  assert.equal(current.averageValue, `${current.averageUtilization}m`, "of a 100m request");
  assert.deepEqual(
    up.conditions?.map((c) => [c.type, c.status, c.reason]),
    [
      ["AbleToScale", "True", "SucceededRescale"],
      ["ScalingActive", "True", "ValidMetricFound"],
      ["ScalingLimited", "False", "DesiredWithinRange"],
    ],
  );
  assert.equal(
    condition(up, "ScalingActive")?.message,
    "the HPA was able to successfully calculate a replica count from cpu resource utilization (percentage of request)",
  );
  const [rescaled] = await eventsOf(sim, "web");
  assert.equal(rescaled.reason, "SuccessfulRescale");
  assert.equal(
    rescaled.message,
    "New size: 4; reason: cpu resource utilization (percentage of request) above target",
  );
  assert.equal(rescaled.source.component, "horizontal-pod-autoscaler");

  // The load drops: the recommendation of a minute ago (4) holds the scale for 5 minutes.
  await readyPods(sim, "web", 4);
  sim.faults.cpuLoad.set("default/web", 0.1);
  clock.ms += 60_000;
  await hpa().reconcile("default/web");
  assert.equal(await replicasOf(sim, "web"), 4);
  const held = await hpaStatus(sim, "web");
  assert.equal(condition(held, "AbleToScale")?.reason, "ScaleDownStabilized");
  assert.equal(held.desiredReplicas, 4);
  assert.equal(held.currentReplicas, 4);

  clock.ms += 5 * 60_000;
  await hpa().reconcile("default/web");
  assert.equal(await replicasOf(sim, "web"), 2, "10% of the request wants 1 pod; minReplicas is 2");
  const down = await hpaStatus(sim, "web");
  assert.deepEqual(
    [condition(down, "ScalingLimited")?.status, condition(down, "ScalingLimited")?.reason],
    ["True", "TooFewReplicas"],
  );
  assert.equal(down.desiredReplicas, 2);
  const messages = (await eventsOf(sim, "web")).map((e) => e.message);
  assert.ok(messages.includes("New size: 2; reason: All metrics below target"), messages.join("; "));
});

test("spec.behavior with a zero scale-down window scales down at once", async (t) => {
  const { sim, hpa } = await cluster(t);
  await sim.create(deployment("api", 5));
  await readyPods(sim, "api", 5);
  sim.faults.cpuLoad.set("default/api", 0.1);
  const behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
  await sim.create(autoscaler("api", { minReplicas: 3, maxReplicas: 10, behavior }));
  // Each pod uses 10% of its request: 5 pods would fit in 1 or 2 at 50%; minReplicas keeps 3.
  await until("scaled down to 3", async () => (await replicasOf(sim, "api")) === 3);
  await until(
    "limited by minReplicas",
    async () => condition(await hpaStatus(sim, "api"), "ScalingLimited")?.reason === "TooFewReplicas",
  );
  await hpa().reconcile("default/api");
  assert.equal(await replicasOf(sim, "api"), 3, "steady");
});

test("without metrics: the HPA says why, and still keeps minReplicas", async (t) => {
  const { sim } = await cluster(t);
  // No CPU request: utilization cannot be computed.
  await sim.create(deployment("bare", 1, null));
  await readyPods(sim, "bare", 1);
  await sim.create(autoscaler("bare", { minReplicas: 1 }));
  const s = await until("ScalingActive False", async () => {
    const st = await hpaStatus(sim, "bare");
    return condition(st, "ScalingActive")?.status === "False" && st;
  });
  const pod = (await sim.pods()).find((p) => p.metadata.labels?.app === "bare")!.metadata.name;
  const why = `failed to get cpu utilization: missing request for cpu in container app of Pod ${pod}`;
  assert.equal(condition(s, "ScalingActive")?.reason, "FailedGetResourceMetric");
  assert.equal(
    condition(s, "ScalingActive")?.message,
    `the HPA was unable to compute the replica count: ${why}`,
  );
  assert.deepEqual(s.currentMetrics, [{ type: "" }]);
  assert.equal(s.currentReplicas, 1);
  const events = await until("both warnings", async () => {
    const e = await eventsOf(sim, "bare");
    return e.length >= 2 && e;
  });
  assert.deepEqual(
    events.map((e) => [e.type, e.reason, e.message]),
    [
      ["Warning", "FailedGetResourceMetric", why],
      [
        "Warning",
        "FailedComputeMetricsReplicas",
        `invalid metrics (1 invalid out of 1), first error is: failed to get cpu resource metric value: ${why}`,
      ],
    ],
  );

  // Below minReplicas the HPA scales without looking at metrics.
  await sim.client.mutate(
    { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", namespace: "default", name: "bare" },
    (h) => ({ ...h, spec: { ...(h.spec as object), minReplicas: 3 } }),
  );
  await until("raised to minReplicas", async () => (await replicasOf(sim, "bare")) === 3);
  const messages = (await eventsOf(sim, "bare")).map((e) => e.message);
  assert.ok(messages.includes("New size: 3; reason: Current number of replicas below Spec.MinReplicas"));
});

test("pods without metrics (their node's kubelet stopped) are reported as upstream does", async (t) => {
  const { sim } = await cluster(t);
  await sim.create(deployment("dark", 2));
  await readyPods(sim, "dark", 2);
  for (const n of ["node-1", "node-2", "node-3"]) sim.faults.nodesNotReady.add(n);
  await sim.create(autoscaler("dark"));
  const s = await until("ScalingActive False", async () => {
    const st = await hpaStatus(sim, "dark");
    return condition(st, "ScalingActive")?.status === "False" && st;
  });
  assert.equal(
    condition(s, "ScalingActive")?.message,
    "the HPA was unable to compute the replica count: failed to get cpu utilization: unable to get metrics for resource cpu: no metrics returned from resource metrics API",
  );
  assert.equal(await replicasOf(sim, "dark"), 2);
});

test("a missing target is FailedGetScale; a spec change syncs at once", async (t) => {
  const { sim } = await cluster(t);
  await sim.create(autoscaler("ghost"));
  const s = await until("AbleToScale False", async () => {
    const st = await hpaStatus(sim, "ghost");
    return condition(st, "AbleToScale")?.status === "False" && st;
  });
  assert.equal(condition(s, "AbleToScale")?.reason, "FailedGetScale");
  assert.equal(
    condition(s, "AbleToScale")?.message,
    `the HPA controller was unable to get the target's current scale: deployments.apps "ghost" not found`,
  );
  const [event] = await eventsOf(sim, "ghost");
  assert.deepEqual([event.reason, event.message], ["FailedGetScale", `deployments.apps "ghost" not found`]);

  // Pointing it at an existing Deployment is picked up without waiting for the sync period.
  await sim.create(deployment("real", 3));
  await sim.client.mutate(
    { apiVersion: "autoscaling/v2", kind: "HorizontalPodAutoscaler", namespace: "default", name: "ghost" },
    (h) => ({
      ...h,
      spec: {
        ...(h.spec as object),
        maxReplicas: 2,
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "real" },
      },
    }),
  );
  await until("clamped to maxReplicas", async () => (await replicasOf(sim, "real")) === 2);
  const after = await hpaStatus(sim, "ghost");
  assert.equal(condition(after, "AbleToScale")?.reason, "SucceededRescale");
});

test("HPAs are re-evaluated every sync period; a cluster without HPAs has nothing queued", async (t) => {
  const { sim, hpa } = await cluster(t, 20);
  assert.equal(hpa().queue.length, 0, "no HPA, no periodic work");
  await sim.create(deployment("tick", 2));
  await readyPods(sim, "tick", 2);
  await sim.create(autoscaler("tick"));
  await until("first sync", async () => (await hpaStatus(sim, "tick")).conditions);
  assert.equal(await replicasOf(sim, "tick"), 2);
  // Nothing tells the controller about the load: only its periodic sync notices.
  sim.faults.cpuLoad.set("default/tick", 0.9);
  await until("scaled by a periodic sync", async () => (await replicasOf(sim, "tick")) === 4);
  await sim.client.delete({
    apiVersion: "autoscaling/v2",
    kind: "HorizontalPodAutoscaler",
    namespace: "default",
    name: "tick",
  });
  await until("nothing queued once the HPA is gone", () => hpa().queue.length === 0);
});

test("a {total} load is shared by the replicas: the HPA settles between min and max", async (t) => {
  const { sim, clock, hpa } = await cluster(t);
  await sim.create(deployment("shop", 2));
  await readyPods(sim, "shop", 2);
  // 2.4 pods' worth of work at a 50% target wants 5 pods (6 if the spread runs high).
  sim.faults.cpuLoad.set("default/shop", { total: 2.4 });
  const behavior = { scaleDown: { stabilizationWindowSeconds: 0 } };
  await sim.create(autoscaler("shop", { minReplicas: 1, maxReplicas: 10, behavior }));
  await until("first sync", async () => (await hpaStatus(sim, "shop")).lastScaleTime);
  let replicas = 0;
  for (let unchanged = 0, i = 0; unchanged < 2 && i < 10; i++) {
    const want = (await replicasOf(sim, "shop")) ?? 0;
    unchanged = want === replicas ? unchanged + 1 : 0;
    replicas = want;
    await until(`${want} pods ready`, async () => {
      const all = (await sim.pods()).filter((p) => p.metadata.labels?.app === "shop");
      return all.length === want && all.every(isReady);
    });
    clock.ms += 30_000;
    await hpa().reconcile("default/shop");
  }
  assert.ok(replicas === 5 || replicas === 6, `settled at ${replicas}`);
  const s = await hpaStatus(sim, "shop");
  const used = s.currentMetrics?.[0]?.resource?.current.averageUtilization as number;
  assert.ok(used >= 36 && used <= 53, `each pod does its share: ${used}%`);
});
