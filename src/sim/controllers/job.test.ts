import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { type SimTest, startSimTest, status, template, until, workload } from "./testing.ts";

interface JobStatus {
  startTime?: string;
  completionTime?: string;
  active?: number;
  ready?: number;
  succeeded?: number;
  failed?: number;
  conditions?: { type: string; status: string; reason?: string }[];
}

const job = (name: string, spec: Record<string, unknown>) =>
  workload(
    "Job",
    name,
    { template: template({ app: name }, "busybox", { restartPolicy: "Never" }), ...spec },
    "batch/v1",
  );

const complete = (sim: SimTest, name: string) =>
  until(`${name} complete`, async () => {
    const j = await sim.get("batch/v1", "Job", name, "default");
    const s = status<JobStatus>(j);
    return s.conditions?.some((c) => c.type === "Complete" && c.status === "True") && s;
  });

test("a Job runs up to parallelism pods until completions succeed, then is Complete", async (t) => {
  const sim = await startSimTest(t, { profile: { podStartDelayMs: 10 } });
  let maxActive = 0;
  const active = new Set<string>();
  const informer = sim.client.informer("v1", "Pod", {
    upsert(p: KubeObject) {
      const phase = status<{ phase?: string }>(p).phase;
      if (phase === "Succeeded" || phase === "Failed") active.delete(p.metadata.name!);
      else active.add(p.metadata.name!);
      maxActive = Math.max(maxActive, active.size);
    },
  });
  t.after(() => informer.stop());
  await informer.synced;
  await sim.create(job("batch", { completions: 5, parallelism: 2 }));
  const s = await complete(sim, "batch");
  assert.equal(s.succeeded, 5);
  assert.equal(s.active, undefined);
  assert.equal(s.failed, undefined);
  assert.equal(s.ready, 0);
  assert.ok(s.startTime && s.completionTime);
  assert.ok(maxActive <= 2, `${maxActive} pods ran at once with parallelism 2`);
  const pods = await sim.pods();
  assert.equal(pods.length, 5);
  for (const p of pods) {
    assert.equal(status<{ phase: string }>(p).phase, "Succeeded");
    assert.equal(p.metadata.labels?.["batch.kubernetes.io/job-name"], "batch");
    const c = status<{
      containerStatuses: { state: { terminated?: { reason: string; exitCode: number } } }[];
    }>(p).containerStatuses[0];
    assert.deepEqual([c.state.terminated?.reason, c.state.terminated?.exitCode], ["Completed", 0]);
  }
});

test("a Job without completions or parallelism runs one pod; a suspended Job runs none", async (t) => {
  const sim = await startSimTest(t);
  await sim.create(job("once", {}));
  assert.equal((await complete(sim, "once")).succeeded, 1);
  await sim.create(job("held", { suspend: true }));
  const s = await until("suspended", async () => {
    const st = status<JobStatus>(await sim.get("batch/v1", "Job", "held", "default"));
    return st.conditions?.some((c) => c.type === "Suspended" && c.status === "True") && st;
  });
  assert.equal(s.startTime, undefined);
  assert.equal((await sim.pods()).filter((p) => p.metadata.labels?.["job-name"] === "held").length, 0);
});
