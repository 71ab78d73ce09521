import assert from "node:assert/strict";
import { test } from "node:test";
import { Registry } from "prom-client";
import { PropagationMetrics } from "./metrics.ts";

const count = async (r: Registry) =>
  (await r.getSingleMetric("mcp_propagation_latency_seconds")!.get()).values.find((v) =>
    String((v as { metricName?: string }).metricName).endsWith("_count"),
  )?.value;

test("latency is observed once per written revision, when an ack covers it", async () => {
  const r = new Registry();
  const m = new PropagationMetrics(r);
  m.written("c1", 1, 1_000);
  m.written("c1", 2, 1_500);
  m.written("c1", 3, 2_000);
  m.acked("c1", 2, 2_500);
  assert.equal(await count(r), 2);
  const sum = (await r.getSingleMetric("mcp_propagation_latency_seconds")!.get()).values.find((v) =>
    String((v as { metricName?: string }).metricName).endsWith("_sum"),
  )?.value;
  assert.equal(sum, 1.5 + 1.0);
  m.acked("c1", 2, 3_000);
  assert.equal(await count(r), 2, "an ack of the same revision again observes nothing");
  m.acked("c1", 3, 3_000);
  assert.equal(await count(r), 3);
  for (let i = 0; i < 200; i++) m.written("c2", i + 1, 0);
  m.acked("c2", 1_000, 0);
  assert.equal(await count(r), 3 + 64, "at most 64 revisions wait per cluster");
});

test("the backlog counts clusters behind their Work, and forgets deleted ones", async () => {
  const r = new Registry();
  const m = new PropagationMetrics(r);
  const backlog = async () => (await r.getSingleMetric("mcp_work_backlog")!.get()).values[0].value;
  m.work("c1", 3, 2);
  m.work("c2", 3, undefined);
  assert.equal(await backlog(), 2);
  m.work("c1", 3, 3);
  assert.equal(await backlog(), 1);
  m.work("c2", undefined);
  assert.equal(await backlog(), 0);
  assert.doesNotThrow(() => new PropagationMetrics(r), "a second instance shares the registered metrics");
});
