// Simulated application metrics: counters grow with time and replicas, faults shift them to
// errors and slow latencies, and the histogram's p99 lands where the fault put it.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import type { InternalClient } from "../apiserver/client/internal-client.ts";
import { AppMetrics, LATENCY_BUCKETS, normalCdf, REQUESTS_PER_REPLICA } from "./app-metrics.ts";
import { noFaults } from "./context.ts";

function setup(deployments: KubeObject[]) {
  let now = 1_000_000;
  const client = { list: async () => deployments } as unknown as InternalClient;
  const faults = noFaults();
  const metrics = new AppMetrics(client, faults, () => now);
  const tick = (seconds: number) => {
    now += seconds * 1000;
  };
  return { metrics, faults, tick };
}

const deploy = (name: string, replicas: number, status?: object): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name, namespace: "shop" },
  spec: { replicas },
  ...(status ? { status } : {}),
});

function value(text: string, series: string): number {
  const line = text.split("\n").find((l) => l.startsWith(`${series} `));
  assert.ok(line, `no ${series} in\n${text}`);
  return Number(line.split(" ")[1]);
}

const requests = (code: string, name = "web") =>
  `http_requests_total{namespace="shop",deployment="${name}",code="${code}"}`;
const bucket = (le: string) =>
  `http_request_duration_seconds_bucket{namespace="shop",deployment="web",le="${le}"}`;

test("requests grow with time and serving replicas; healthy apps return 200", async () => {
  const { metrics, tick } = setup([
    deploy("web", 2),
    deploy("idle", 3, { observedGeneration: 1, availableReplicas: 0 }),
  ]);
  const first = await metrics.render();
  assert.equal(value(first, requests("200")), 0);
  tick(60);
  const text = await metrics.render();
  assert.equal(value(text, requests("200")), 60 * 2 * REQUESTS_PER_REPLICA);
  assert.equal(value(text, requests("200", "idle")), 0, "no available replica serves nothing");
  assert.doesNotMatch(text, /code="500"/);
  assert.match(text, /# TYPE http_request_duration_seconds histogram/);
});

test("an error-rate fault shows up as 500s from the moment it is set", async () => {
  const { metrics, faults, tick } = setup([deploy("web", 1)]);
  await metrics.render();
  tick(100);
  await metrics.advance();
  faults.appErrorRate = 0.2;
  tick(100);
  const text = await metrics.render();
  const ok = value(text, requests("200"));
  const failed = value(text, requests("500"));
  assert.equal(ok + failed, 2000);
  assert.equal(failed, 200, "20% of the second 100s only");
});

test("a crash-looping deployment answers 503", async () => {
  const { metrics, faults, tick } = setup([deploy("web", 1)]);
  await metrics.render();
  faults.crashLoop.add("shop/web");
  tick(10);
  const text = await metrics.render();
  assert.equal(value(text, requests("503")), 100);
});

test("the histogram's p99 follows appP99LatencyMs", async () => {
  const { metrics, faults, tick } = setup([deploy("web", 10)]);
  faults.appP99LatencyMs = 1500;
  await metrics.render();
  tick(600);
  const text = await metrics.render();
  const count = value(text, bucket("+Inf"));
  assert.equal(count, 60_000);
  // At most 1% of requests are slower than 2.5 s, and well over 1% slower than 1 s.
  assert.ok(value(text, bucket("2.5")) >= count * 0.99);
  assert.ok(value(text, bucket("1")) < count * 0.99);
  const les = LATENCY_BUCKETS.map((le) => value(text, bucket(String(le))));
  assert.deepEqual(
    [...les].sort((a, b) => a - b),
    les,
    "buckets are cumulative",
  );
});

test("normal CDF", () => {
  assert.ok(Math.abs(normalCdf(0) - 0.5) < 1e-7);
  assert.ok(Math.abs(normalCdf(2.3263) - 0.99) < 1e-4);
  assert.ok(Math.abs(normalCdf(-1.96) - 0.025) < 1e-4);
});
