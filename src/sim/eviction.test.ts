// The pods/eviction subresource of a simulated cluster over HTTPS, answered as kube-apiserver
// answers kubectl drain: 201 Success and the pod deleted when the budget allows it (or there is
// none), 429 TooManyRequests with a DisruptionBudget cause when it does not; advertised in
// discovery so clients know to evict rather than delete.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import type { SimCluster } from "./cluster.ts";
import { isReady, until } from "./controllers/testing.ts";
import { httpsRequest, startTestCluster } from "./testing/helpers.ts";

const ns = "default";

async function deploy(cluster: SimCluster, name: string, replicas: number): Promise<KubeObject[]> {
  await cluster.client.create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: ns },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: "app", image: "nginx:1.25" }] },
      },
    },
  });
  return pods(cluster, name, replicas);
}

async function pods(cluster: SimCluster, app: string, n: number): Promise<KubeObject[]> {
  return until(
    `${n} ready ${app} pods`,
    async () => {
      const all = (await cluster.client.list("v1", "Pod", ns)).filter((p) => p.metadata.labels?.app === app);
      return all.length === n && all.every(isReady) && all;
    },
    15_000,
  );
}

const evict = (cluster: SimCluster, pod: string, query = "", body?: Record<string, unknown>) =>
  httpsRequest(cluster, `/api/v1/namespaces/${ns}/pods/${pod}/eviction${query}`, {
    method: "POST",
    body: body ?? { apiVersion: "policy/v1", kind: "Eviction", metadata: { name: pod, namespace: ns } },
  });

const exists = async (cluster: SimCluster, pod: string) =>
  !!(await cluster.client.get({ apiVersion: "v1", kind: "Pod", namespace: ns, name: pod }));

const pdbStatus = async (cluster: SimCluster, name: string) =>
  ((await cluster.client.get({ apiVersion: "policy/v1", kind: "PodDisruptionBudget", namespace: ns, name }))
    ?.status ?? {}) as { disruptionsAllowed?: number; disruptedPods?: Record<string, string> };

test("evictions honour the PodDisruptionBudget: 201 while allowed, then 429", async (t) => {
  const { cluster } = await startTestCluster(t, { podStartDelayMs: 100 });
  const [a, b] = await deploy(cluster, "guarded", 2);
  await cluster.client.create({
    apiVersion: "policy/v1",
    kind: "PodDisruptionBudget",
    metadata: { name: "guarded", namespace: ns },
    spec: { minAvailable: 1, selector: { matchLabels: { app: "guarded" } } },
  });
  await until(
    "one disruption allowed",
    async () => (await pdbStatus(cluster, "guarded")).disruptionsAllowed === 1,
  );

  // A dry run changes nothing.
  const dry = await evict(cluster, a.metadata.name!, "?dryRun=All");
  assert.equal(dry.status, 201, dry.text);
  assert.ok(await exists(cluster, a.metadata.name!));
  assert.equal((await pdbStatus(cluster, "guarded")).disruptionsAllowed, 1);

  const allowed = await evict(cluster, a.metadata.name!);
  assert.equal(allowed.status, 201, allowed.text);
  assert.deepEqual(JSON.parse(allowed.text), {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Success",
    code: 201,
  });
  assert.equal(await exists(cluster, a.metadata.name!), false, "the evicted pod is deleted");

  // The budget has been spent (and the replacement is not ready yet): the next one is refused.
  const refused = await evict(cluster, b.metadata.name!);
  assert.equal(refused.status, 429, refused.text);
  const status = JSON.parse(refused.text);
  assert.equal(status.reason, "TooManyRequests");
  assert.equal(status.message, "Cannot evict pod as it would violate the pod's disruption budget.");
  assert.equal(status.details.causes[0].reason, "DisruptionBudget");
  assert.match(
    status.details.causes[0].message,
    /^The disruption budget guarded needs 1 healthy pods and has \d currently$/,
  );
  assert.ok(await exists(cluster, b.metadata.name!), "a refused eviction leaves the pod alone");

  // Once the replacement is ready the budget allows one disruption again.
  await pods(cluster, "guarded", 2);
  await until("allowed again", async () => (await pdbStatus(cluster, "guarded")).disruptionsAllowed === 1);
  assert.equal((await evict(cluster, b.metadata.name!)).status, 201);
});

test("a pod no budget covers is simply deleted; bad requests are refused", async (t) => {
  const { cluster } = await startTestCluster(t, { podStartDelayMs: 100 });
  const [pod] = await deploy(cluster, "free", 1);
  const name = pod.metadata.name!;

  const mismatch = await evict(cluster, name, "", {
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name: "other" },
  });
  assert.equal(mismatch.status, 400);
  assert.match(JSON.parse(mismatch.text).message, /name in URL does not match name in Eviction object/);
  assert.equal((await evict(cluster, "missing")).status, 404);

  const ok = await evict(cluster, name);
  assert.equal(ok.status, 201, ok.text);
  assert.equal(await exists(cluster, name), false);
});

test("discovery lists pods/eviction as policy/v1 Eviction, as kubectl drain requires", async (t) => {
  const { cluster } = await startTestCluster(t);
  const resources = JSON.parse((await httpsRequest(cluster, "/api/v1")).text).resources as Record<
    string,
    unknown
  >[];
  assert.deepEqual(
    resources.find((r) => r.name === "pods/eviction"),
    {
      name: "pods/eviction",
      singularName: "",
      namespaced: true,
      group: "policy",
      version: "v1",
      kind: "Eviction",
      verbs: ["create"],
    },
  );
});
