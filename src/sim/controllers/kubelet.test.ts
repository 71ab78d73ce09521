import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { isReady, type SimTest, startSimTest, status, template, until, workload } from "./testing.ts";
import type { PodStatus } from "./types.ts";

const podStatus = (p: KubeObject | undefined) => status<PodStatus>(p);
const condition = (p: KubeObject, type: string) => podStatus(p).conditions?.find((c) => c.type === type);

test("a bound pod goes through ContainerCreating to Running with a kubelet's status", async (t) => {
  const sim = await startSimTest(t, { profile: { podStartDelayMs: 50 } });
  const seen: string[] = [];
  const informer = sim.client.informer("v1", "Pod", {
    upsert(p) {
      const c = podStatus(p).containerStatuses?.[0];
      const state = c ? Object.keys(c.state)[0] : "none";
      const reason = (c?.state.waiting as { reason?: string } | undefined)?.reason;
      const label = `${podStatus(p).phase ?? "-"}/${reason ?? state}`;
      if (seen.at(-1) !== label) seen.push(label);
    },
  });
  t.after(() => informer.stop());
  await informer.synced;
  const created = Date.now();
  await sim.create({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "web", namespace: "default" },
    spec: {
      containers: [
        { name: "app", image: "nginx" },
        { name: "sidecar", image: "example.com/proxy:2" },
      ],
    },
  });
  const pod = await until("running", async () => {
    const p = await sim.get("v1", "Pod", "web", "default");
    return p && isReady(p) && p;
  });
  assert.ok(Date.now() - created >= 50, "started no sooner than podStartDelayMs");
  assert.deepEqual(seen, ["-/none", "Pending/ContainerCreating", "Running/running"]);
  const s = podStatus(pod);
  assert.equal(s.phase, "Running");
  for (const type of ["Initialized", "Ready", "ContainersReady", "PodScheduled"])
    assert.equal(condition(pod, type)?.status, "True", type);
  const nodeName = (pod.spec as { nodeName: string }).nodeName;
  const node = await sim.get("v1", "Node", nodeName);
  const internal = status<{ addresses: { address: string }[] }>(node).addresses[0].address;
  assert.equal(s.hostIP, internal);
  assert.deepEqual(s.hostIPs, [{ ip: internal }]);
  assert.match(s.podIP ?? "", /^10\.244\.\d+\.\d+$/);
  assert.deepEqual(s.podIPs, [{ ip: s.podIP }]);
  assert.ok(s.startTime);
  assert.deepEqual(
    s.containerStatuses?.map((c) => [c.name, c.ready, c.started, c.restartCount, c.image]),
    [
      ["app", true, true, 0, "docker.io/library/nginx:latest"],
      ["sidecar", true, true, 0, "example.com/proxy:2"],
    ],
  );
  const app = s.containerStatuses![0];
  assert.match(app.imageID, /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.match(app.containerID ?? "", /^containerd:\/\/[0-9a-f]{64}$/);
  assert.ok((app.state.running as { startedAt?: string }).startedAt);
});

const crashy = () =>
  workload("Deployment", "crashy", {
    replicas: 2,
    selector: { matchLabels: { app: "crashy" } },
    template: template({ app: "crashy" }),
  });

async function crashyPods(sim: SimTest, check: (pods: KubeObject[]) => boolean, what: string) {
  return until(what, async () => {
    const pods = await sim.pods();
    return pods.length === 2 && check(pods) && pods;
  });
}

test("pods of a crash-looping workload back off with a growing restartCount, and recover", async (t) => {
  const sim = await startSimTest(t);
  sim.faults.crashLoop.add("default/crashy");
  await sim.create(crashy());
  const restarts = (p: KubeObject) => podStatus(p).containerStatuses?.[0]?.restartCount ?? 0;
  const pods = await crashyPods(sim, (ps) => ps.every((p) => restarts(p) >= 3), "restartCount >= 3");
  for (const p of pods) {
    const c = podStatus(p).containerStatuses![0];
    assert.equal(podStatus(p).phase, "Running");
    assert.equal((c.state.waiting as { reason: string }).reason, "CrashLoopBackOff");
    assert.match(
      (c.state.waiting as { message: string }).message,
      /^back-off \S+ restarting failed container=app pod=crashy-/,
    );
    assert.equal((c.lastState.terminated as { reason: string; exitCode: number }).exitCode, 1);
    assert.equal(c.ready, false);
    assert.equal(condition(p, "Ready")?.status, "False");
    assert.equal(condition(p, "Ready")?.reason, "ContainersNotReady");
  }
  const d = await sim.get("apps/v1", "Deployment", "crashy", "default");
  assert.equal(status<{ availableReplicas?: number }>(d).availableReplicas, undefined);

  sim.faults.crashLoop.delete("default/crashy");
  sim.controllers.faultsChanged();
  const healed = await crashyPods(sim, (ps) => ps.every(isReady), "recovered");
  assert.ok(
    healed.every((p) => restarts(p) >= 3),
    "restartCount is kept",
  );
});

test("the fault switch is noticed without faultsChanged()", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(crashy());
  await crashyPods(sim, (ps) => ps.every(isReady), "ready");
  sim.faults.crashLoop.add("default/crashy");
  await crashyPods(sim, (ps) => ps.every((p) => !isReady(p)), "crashing");
});

test("pods on a node that stops reporting turn Ready=False, and back", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(crashy());
  const pods = await crashyPods(sim, (ps) => ps.every(isReady), "ready");
  const victim = (pods[0].spec as { nodeName: string }).nodeName;
  const onVictim = (ps: KubeObject[]) =>
    ps.filter((p) => (p.spec as { nodeName: string }).nodeName === victim);
  sim.faults.nodesNotReady.add(victim);
  sim.controllers.faultsChanged();
  await crashyPods(sim, (ps) => onVictim(ps).every((p) => !isReady(p)), "not ready");
  const after = await sim.pods();
  assert.ok(after.filter((p) => !onVictim(after).includes(p)).every(isReady), "other nodes unaffected");
  assert.ok(onVictim(after).every((p) => podStatus(p).phase === "Running"));
  sim.faults.nodesNotReady.delete(victim);
  sim.controllers.faultsChanged();
  await crashyPods(sim, (ps) => ps.every(isReady), "ready again");
});

test("a node whose Ready condition turns False makes its pods unready", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(crashy());
  const pods = await crashyPods(sim, (ps) => ps.every(isReady), "ready");
  const victim = (pods[0].spec as { nodeName: string }).nodeName;
  await sim.client.mutate(
    { apiVersion: "v1", kind: "Node", name: victim },
    (n) => {
      (n.status as { conditions: { status: string }[] }).conditions[0].status = "False";
      return n;
    },
    { status: true },
  );
  await crashyPods(
    sim,
    (ps) => ps.some((p) => (p.spec as { nodeName: string }).nodeName === victim && !isReady(p)),
    "unready",
  );
});
