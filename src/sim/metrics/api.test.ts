// The simulated metrics-server over HTTPS and through the real kubectl: discovery, PodMetrics /
// NodeMetrics get and list with selectors, the Table kubectl get prints, read-only verbs,
// `kubectl top pods` / `kubectl top nodes`, and the cpuLoad fault moving the numbers.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { until } from "../controllers/testing.ts";
import { hasKubectl, httpsRequest, kubectl, startTestCluster } from "../testing/helpers.ts";

const skipKubectl = !(await hasKubectl);
const API = "/apis/metrics.k8s.io/v1beta1";

const web = (replicas: number): KubeObject => ({
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "default" },
  spec: {
    replicas,
    selector: { matchLabels: { app: "web" } },
    template: {
      metadata: { labels: { app: "web" } },
      spec: { containers: [{ name: "app", image: "nginx", resources: { requests: { cpu: "200m" } } }] },
    },
  },
});

/** A cluster scraping every 200 ms, with `web` running and measured. */
async function measured(t: Parameters<typeof startTestCluster>[0]) {
  const tc = await startTestCluster(t, { metricResolutionMs: 200, podStartDelayMs: 50 });
  await tc.cluster.client.create(web(2));
  const get = async (path: string) => {
    const r = await httpsRequest(tc.cluster, path);
    return { status: r.status, body: JSON.parse(r.text) };
  };
  await until(
    "metrics of both web pods",
    async () =>
      (await get(`${API}/namespaces/default/pods?labelSelector=app%3Dweb`)).body.items?.length === 2,
    10_000,
  );
  return { ...tc, get };
}

test("discovery lists metrics.k8s.io with read-only nodes and pods", async (t) => {
  const { get } = await measured(t);
  const groups = (await get("/apis")).body.groups.map((g: { name: string }) => g.name);
  assert.ok(groups.includes("metrics.k8s.io"));
  const list = (await get(API)).body;
  assert.deepEqual(
    list.resources.map((r: { name: string; kind: string; namespaced: boolean; verbs: string[] }) => [
      r.name,
      r.kind,
      r.namespaced,
      r.verbs,
    ]),
    [
      ["nodes", "NodeMetrics", false, ["get", "list"]],
      ["pods", "PodMetrics", true, ["get", "list"]],
    ],
  );
});

test("PodMetrics and NodeMetrics as metrics-server serves them", async (t) => {
  const { get, cluster } = await measured(t);
  const { items } = (await get(`${API}/namespaces/default/pods?labelSelector=app%3Dweb`)).body;
  const m = items[0];
  assert.equal(m.kind, "PodMetrics");
  assert.equal(m.apiVersion, "metrics.k8s.io/v1beta1");
  assert.equal(m.metadata.namespace, "default");
  assert.equal(m.window, "200ms");
  assert.match(m.timestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(Object.keys(m.containers[0].usage), ["cpu", "memory"]);
  assert.match(m.containers[0].usage.cpu, /^\d+n$/);

  const one = await get(`${API}/namespaces/default/pods/${m.metadata.name}`);
  assert.equal(one.body.metadata.name, m.metadata.name);
  const missing = await get(`${API}/namespaces/default/pods/nope`);
  assert.equal(missing.status, 404);
  const byName = await get(`${API}/namespaces/default/pods?fieldSelector=metadata.name%3D${m.metadata.name}`);
  assert.equal(byName.body.items.length, 1);
  const everywhere = (await get(`${API}/pods`)).body.items;
  assert.ok(everywhere.some((p: KubeObject) => p.metadata.namespace === "kube-system"));

  const nodes = (await get(`${API}/nodes`)).body;
  assert.equal(nodes.kind, "NodeMetricsList");
  assert.deepEqual(
    nodes.items.map((n: KubeObject) => n.metadata.name),
    [...cluster.nodeNames].sort(),
  );
  assert.match(nodes.items[0].usage.memory, /^\d+(Ki|Mi)?$/);
  assert.equal((await get(`${API}/nodes/${cluster.nodeNames[0]}`)).body.kind, "NodeMetrics");

  // Read-only, and no watch.
  assert.equal((await get(`${API}/nodes?watch=true`)).status, 405);
  const post = await httpsRequest(cluster, `${API}/namespaces/default/pods`, { method: "POST", body: m });
  assert.equal(post.status, 405);
});

test("the cpuLoad fault drives the CPU usage, and a stopped kubelet's node has none", async (t) => {
  const { get, cluster } = await measured(t);
  const cpu = async () => {
    const { items } = (await get(`${API}/namespaces/default/pods?labelSelector=app%3Dweb`)).body;
    return items.map((p: { containers: { usage: { cpu: string } }[] }) =>
      Number.parseInt(p.containers[0].usage.cpu, 10),
    );
  };
  for (const n of await cpu()) assert.ok(n >= 18e6 && n <= 22e6, `10% of 200m ±10%: ${n}n`);
  await cluster.updateFaults({ cpuLoad: { "default/web": 0.9 } });
  for (const n of await cpu()) assert.ok(n >= 162e6 && n <= 198e6, `90% of 200m ±10%: ${n}n`);
  await cluster.updateFaults({ cpuLoad: { "default/web": { total: 1 } } });
  for (const n of await cpu()) assert.ok(n >= 90e6 && n <= 110e6, `one pod's worth over 2: ${n}n`);
  const { items } = (await get(`${API}/namespaces/default/pods?labelSelector=app%3Dweb`)).body;
  const one = (await get(`${API}/namespaces/default/pods/${items[0].metadata.name}`)).body;
  assert.deepEqual(one.containers, items[0].containers, "a get shares the load as the list does");

  const victim = cluster.nodeNames[cluster.nodeNames.length - 1];
  await cluster.updateFaults({ nodesNotReady: [victim] });
  const names = (await get(`${API}/nodes`)).body.items.map((n: KubeObject) => n.metadata.name);
  assert.ok(!names.includes(victim), `${victim} is not scraped`);
});

test("kubectl top pods / top nodes / get podmetrics print real tables", { skip: skipKubectl }, async (t) => {
  const { kubeconfig, cluster } = await measured(t);
  const k = async (...args: string[]) => {
    const r = await kubectl(kubeconfig, args);
    assert.equal(r.code, 0, r.stderr);
    return r.stdout;
  };
  const pods = await k("top", "pods", "-l", "app=web");
  assert.match(pods, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)/);
  assert.equal(pods.match(/^web-\S+\s+\d+m\s+\d+Mi\s*$/gm)?.length, 2, pods);
  const nodes = await k("top", "nodes");
  for (const n of cluster.nodeNames)
    assert.match(nodes, new RegExp(`^${n}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%`, "m"));
  const table = await k("get", "podmetrics", "-l", "app=web");
  assert.match(table, /^NAME\s+CPU\s+MEMORY\s+WINDOW/);
  assert.match(table, /^web-\S+\s+\d+n\s+\d+Ki\s+200ms$/m);
  await cluster.updateFaults({ nodesNotReady: [cluster.nodeNames[0]] });
  assert.match(await k("top", "nodes"), new RegExp(`^${cluster.nodeNames[0]}\\s+<unknown>`, "m"));
});
