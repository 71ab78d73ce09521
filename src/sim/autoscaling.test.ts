// HorizontalPodAutoscalers on a simulated cluster: autoscaling/v1 served beside v2 over the same
// objects (converted both ways, on reads, writes, lists and watches), v2 the preferred version in
// discovery, and `kubectl autoscale` / `kubectl get hpa` as on a real cluster.
import assert from "node:assert/strict";
import { test } from "node:test";
import { hasKubectl, httpsRequest, kubectl, startTestCluster } from "./testing/helpers.ts";

const skip = !(await hasKubectl);
const base = "/namespaces/default/horizontalpodautoscalers";

test("discovery serves autoscaling v2 (preferred) and v1", async (t) => {
  const { cluster } = await startTestCluster(t);
  const group = JSON.parse((await httpsRequest(cluster, "/apis/autoscaling")).text);
  assert.deepEqual(
    group.versions.map((v: { version: string }) => v.version),
    ["v2", "v1"],
  );
  assert.equal(group.preferredVersion.version, "v2");
  const v1 = JSON.parse((await httpsRequest(cluster, "/apis/autoscaling/v1")).text);
  assert.ok(v1.resources.some((r: { name: string }) => r.name === "horizontalpodautoscalers"));
  assert.equal((await httpsRequest(cluster, "/openapi/v3/apis/autoscaling/v1")).status, 200);
});

test("an HPA written as v1 reads as v2 and back, in gets, lists and watches", async (t) => {
  const { cluster } = await startTestCluster(t);
  const created = await httpsRequest(cluster, `/apis/autoscaling/v1${base}`, {
    method: "POST",
    body: {
      apiVersion: "autoscaling/v1",
      kind: "HorizontalPodAutoscaler",
      metadata: { name: "web" },
      spec: { scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" }, maxReplicas: 3 },
    },
  });
  assert.equal(created.status, 201, created.text);
  const v1 = JSON.parse(created.text);
  assert.equal(v1.apiVersion, "autoscaling/v1");
  assert.deepEqual(v1.spec, {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "web" },
    minReplicas: 1,
    maxReplicas: 3,
    targetCPUUtilizationPercentage: 80,
  });

  const v2 = JSON.parse((await httpsRequest(cluster, `/apis/autoscaling/v2${base}/web`)).text);
  assert.equal(v2.apiVersion, "autoscaling/v2");
  assert.deepEqual(v2.spec.metrics, [
    { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 80 } } },
  ]);

  // A change through v2 (a memory metric v1 cannot show) is visible through v1, and survives a v1 update.
  v2.spec.metrics.push({
    type: "Resource",
    resource: { name: "memory", target: { type: "AverageValue", averageValue: "500Mi" } },
  });
  assert.equal(
    (await httpsRequest(cluster, `/apis/autoscaling/v2${base}/web`, { method: "PUT", body: v2 })).status,
    200,
  );
  const listed = JSON.parse((await httpsRequest(cluster, `/apis/autoscaling/v1${base}`)).text);
  assert.equal(listed.apiVersion, "autoscaling/v1");
  const item = listed.items[0];
  assert.equal(item.apiVersion, "autoscaling/v1");
  assert.match(item.metadata.annotations["autoscaling.alpha.kubernetes.io/metrics"], /memory/);
  item.spec.maxReplicas = 5;
  const put = await httpsRequest(cluster, `/apis/autoscaling/v1${base}/web`, { method: "PUT", body: item });
  assert.equal(put.status, 200, put.text);
  const after = JSON.parse((await httpsRequest(cluster, `/apis/autoscaling/v2${base}/web`)).text);
  assert.equal(after.spec.maxReplicas, 5);
  assert.equal(after.spec.metrics.length, 2, "the memory metric survived the v1 round trip");
  assert.equal(after.metadata.annotations, undefined, "no conversion annotation is stored");

  // A watch from the current version sees a change made through v2 as a v1 object.
  const from = after.metadata.resourceVersion;
  const watching = httpsRequest(
    cluster,
    `/apis/autoscaling/v1${base}?watch=1&resourceVersion=${from}&timeoutSeconds=2`,
  );
  await new Promise((r) => setTimeout(r, 200));
  after.spec.minReplicas = 2;
  assert.equal(
    (await httpsRequest(cluster, `/apis/autoscaling/v2${base}/web`, { method: "PUT", body: after })).status,
    200,
  );
  const watched = await watching;
  const events = watched.text
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l));
  assert.deepEqual(
    events.map((e) => [
      e.type,
      e.object.apiVersion,
      e.object.spec.minReplicas,
      e.object.spec.targetCPUUtilizationPercentage,
    ]),
    [["MODIFIED", "autoscaling/v1", 2, 80]],
    watched.text,
  );
});

test("kubectl autoscale creates an HPA that kubectl get hpa prints as a real cluster does", {
  skip,
}, async (t) => {
  const { kubeconfig } = await startTestCluster(t);
  const k = (...args: string[]) => kubectl(kubeconfig, ["-n", "default", ...args]);
  assert.equal((await k("create", "deployment", "web", "--image=nginx:1.25")).code, 0);
  const out = await k("autoscale", "deployment/web", "--min=1", "--max=3", "--cpu-percent=70");
  assert.equal(out.code, 0, out.stderr);
  assert.match(out.stdout, /horizontalpodautoscaler\.autoscaling\/web autoscaled/);
  const got = await k("get", "hpa", "web");
  assert.equal(got.code, 0, got.stderr);
  const [header, row] = got.stdout.trim().split("\n");
  assert.match(header, /^NAME\s+REFERENCE\s+TARGETS\s+MINPODS\s+MAXPODS\s+REPLICAS\s+AGE$/);
  // No metrics yet (the pod just started); REPLICAS is 0 until the controller's first sync.
  assert.match(row, /^web\s+Deployment\/web\s+cpu: <unknown>\/70%\s+1\s+3\s+[01]\s+\S+$/);
  const v1 = await k("get", "horizontalpodautoscalers.v1.autoscaling", "web", "-o", "json");
  const asV1 = JSON.parse(v1.stdout);
  assert.equal(asV1.apiVersion, "autoscaling/v1", v1.stdout);
  assert.equal(asV1.spec.targetCPUUtilizationPercentage, 70);
});
