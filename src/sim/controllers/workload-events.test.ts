// The Events a simulated cluster records as its workloads run, as `kubectl get events` and
// `kubectl describe` show them on a real cluster: the Deployment scaling its ReplicaSet, the
// ReplicaSet creating and deleting pods, the scheduler binding them, the kubelet pulling,
// creating and starting containers (and backing off), Jobs completing, StatefulSet pods — and
// nothing new when a resync finds nothing changed.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { COMBINED_PREFIX } from "../../util/event-aggregator.ts";
import {
  container,
  isReady,
  node,
  type SimTest,
  startSimTest,
  template,
  until,
  workload,
} from "./testing.ts";

interface EventView extends KubeObject {
  involvedObject: { kind: string; name: string; namespace?: string; uid?: string; fieldPath?: string };
  reason: string;
  message: string;
  type: string;
  count?: number;
  source: { component?: string; host?: string };
  reportingComponent: string;
  reportingInstance: string;
  action?: string;
  eventTime?: string | null;
}

const events = async (sim: SimTest) => (await sim.events()) as EventView[];
const summary = (es: EventView[]) => es.map((e) => `${e.involvedObject.kind}/${e.reason}: ${e.message}`);
const web = (replicas: number) =>
  workload("Deployment", "web", {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: template({ app: "web" }),
  });

async function readyPods(sim: SimTest, n: number): Promise<KubeObject[]> {
  return until(`${n} ready pods`, async () => {
    const pods = (await sim.pods()).filter((p) => !p.metadata.deletionTimestamp);
    return pods.length === n && pods.every(isReady) && pods;
  });
}

test("a Deployment's rollout is told by the controllers', scheduler's and kubelet's events", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(web(2));
  const pods = await readyPods(sim, 2);
  const rs = (await sim.list("apps/v1", "ReplicaSet", "default"))[0].metadata.name!;
  const es = await until("kubelet events", async () => {
    const all = await events(sim);
    return all.filter((e) => e.reason === "Started").length === 2 && all;
  });
  const seen = summary(es);
  assert.ok(
    seen.includes(`Deployment/ScalingReplicaSet: Scaled up replica set ${rs} from 0 to 2`),
    seen.join("\n"),
  );
  for (const pod of pods) {
    const name = pod.metadata.name!;
    const node = (pod.spec as { nodeName: string }).nodeName;
    assert.ok(seen.includes(`ReplicaSet/SuccessfulCreate: Created pod: ${name}`), seen.join("\n"));
    const scheduled = es.find((e) => e.reason === "Scheduled" && e.involvedObject.name === name)!;
    assert.equal(scheduled.message, `Successfully assigned default/${name} to ${node}`);
    assert.equal(scheduled.action, "Binding");
    assert.equal(scheduled.reportingComponent, "default-scheduler");
    assert.deepEqual(scheduled.source, {});
    assert.equal(scheduled.involvedObject.uid, pod.metadata.uid);
    const kubelet = es.filter((e) => e.involvedObject.name === name && e.source.component === "kubelet");
    assert.deepEqual(
      kubelet.map((e) => e.reason),
      ["Pulling", "Pulled", "Created", "Started"],
    );
    for (const e of kubelet) {
      assert.equal(e.source.host, node);
      assert.equal(e.involvedObject.fieldPath, "spec.containers{app}");
    }
    assert.match(
      kubelet[1].message,
      /^Successfully pulled image "nginx:1\.25" in \S+ \(\S+ including waiting\)\. Image size: \d+ bytes\.$/,
    );
    assert.equal(kubelet[2].message, "Created container app");
    assert.equal(kubelet[3].message, "Started container app");
  }

  // A resync with nothing to do records nothing.
  const before = JSON.stringify(await events(sim));
  sim.controllers.faultsChanged();
  await new Promise((r) => setTimeout(r, 200));
  assert.equal(JSON.stringify(await events(sim)), before);

  // Scaling down is the Deployment's and the ReplicaSet's events again.
  await sim.client.mutate(
    { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
    (d) => {
      d.spec = { ...(d.spec as object), replicas: 1 };
      return d;
    },
  );
  const after = await until("scaled down", async () => {
    const all = summary(await events(sim));
    return all.some((m) => m.startsWith("ReplicaSet/SuccessfulDelete: Deleted pod: ")) && all;
  });
  assert.ok(
    after.includes(`Deployment/ScalingReplicaSet: Scaled down replica set ${rs} from 2 to 1`),
    after.join("\n"),
  );
});

test("a node pulls an image once; later pods find it already present", async (t) => {
  const sim = await startSimTest(t, { nodes: [node("node-1")] });
  await sim.create(web(1));
  const [first] = await readyPods(sim, 1);
  await sim.client.mutate(
    { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
    (d) => {
      d.spec = { ...(d.spec as object), replicas: 2 };
      return d;
    },
  );
  const second = (await readyPods(sim, 2)).find((p) => p.metadata.name !== first.metadata.name)!;
  const es = await until("second pod started", async () => {
    const all = (await events(sim)).filter((e) => e.involvedObject.name === second.metadata.name);
    return all.some((e) => e.reason === "Started") && all;
  });
  assert.deepEqual(
    es.filter((e) => e.source.component === "kubelet").map((e) => `${e.reason}: ${e.message}`),
    [
      'Pulled: Container image "nginx:1.25" already present on machine',
      "Created: Created container app",
      "Started: Started container app",
    ],
  );
});

test("an unschedulable pod gets the scheduler's FailedScheduling warning", async (t) => {
  const sim = await startSimTest(t, { nodes: [node("node-1", { cpu: "1" })] });
  await sim.create({
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "big", namespace: "default" },
    spec: { containers: [container("nginx:1.25", { cpu: "4" })] },
  });
  const e = await until("FailedScheduling", async () =>
    (await events(sim)).find((x) => x.reason === "FailedScheduling"),
  );
  assert.equal(e.type, "Warning");
  assert.equal(e.action, "Scheduling");
  assert.match(e.message, /^0\/1 nodes are available: 1 Insufficient cpu\./);
});

test("a crash-looping container is restarted with BackOff warnings counted on one event", async (t) => {
  const sim = await startSimTest(t);
  sim.faults.crashLoop.add("default/web");
  await sim.create(web(1));
  const backOff = await until("BackOff counted twice", async () =>
    (await events(sim)).find((e) => e.reason === "BackOff" && (e.count ?? 0) >= 2),
  );
  assert.equal(backOff.type, "Warning");
  const pod = (await sim.pods())[0];
  const m = pod.metadata;
  assert.equal(
    backOff.message,
    `Back-off restarting failed container app in pod ${m.name}_${m.namespace}(${m.uid})`,
  );
  const started = (await events(sim)).filter((e) => e.reason === "Started");
  assert.equal(started.length, 1, "restarts count on the one Started event");
  assert.ok((started[0].count ?? 0) >= 2);
});

test("Jobs and StatefulSets record their controllers' events", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(
    workload(
      "Job",
      "pi",
      { template: template({ job: "pi" }, "perl:5.34", { restartPolicy: "Never" }) },
      "batch/v1",
    ),
  );
  await sim.create(
    workload("StatefulSet", "db", {
      replicas: 2,
      serviceName: "db",
      selector: { matchLabels: { app: "db" } },
      template: template({ app: "db" }),
    }),
  );
  const seen = await until("Job completed and StatefulSet up", async () => {
    const all = summary(await events(sim));
    return (
      all.includes("Job/Completed: Job completed") &&
      all.some((m) => m.includes("db-1 in StatefulSet")) &&
      all
    );
  });
  assert.ok(
    seen.some((m) => /^Job\/SuccessfulCreate: Created pod: pi-\w+$/.test(m)),
    seen.join("\n"),
  );
  assert.ok(
    seen.includes("StatefulSet/SuccessfulCreate: create Pod db-0 in StatefulSet db successful"),
    seen.join("\n"),
  );
  assert.ok(
    seen.includes("StatefulSet/SuccessfulCreate: create Pod db-1 in StatefulSet db successful"),
    seen.join("\n"),
  );
});

test("a ReplicaSet creating many pods combines its events instead of writing one per pod", async (t) => {
  const nodes = Array.from({ length: 4 }, (_, i) => node(`node-${i + 1}`, { pods: 50 }));
  const sim = await startSimTest(t, { nodes });
  await sim.create(
    workload("ReplicaSet", "many", {
      replicas: 15,
      selector: { matchLabels: { app: "many" } },
      template: template({ app: "many" }),
    }),
  );
  const created = await until("15 creations recorded", async () => {
    const es = (await events(sim)).filter((e) => e.reason === "SuccessfulCreate");
    const total = es.reduce((n, e) => n + (e.count ?? 1), 0);
    return total === 15 && es;
  });
  assert.equal(created.length, 10, "9 single events and one combined");
  assert.ok(created.some((e) => e.message.startsWith(COMBINED_PREFIX) && e.count === 6));
});
