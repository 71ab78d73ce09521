// A simulated cluster as its users see it: the real kubectl lists its nodes and kube-system,
// /version reports the profile's version, only its token is accepted, faults (offline,
// latency, nodes NotReady) show up the way they would on a real cluster, and its Events expire.
import assert from "node:assert/strict";
import { connect } from "node:net";
import { test } from "node:test";
import { until } from "./controllers/testing.ts";
import { hasKubectl, httpsRequest, kubectl, startTestCluster } from "./testing/helpers.ts";

const skip = !(await hasKubectl);

test("kubectl sees nodes, kube-system and the version of the profile", { skip }, async (t) => {
  const { kubeconfig } = await startTestCluster(t, { nodes: 3, kubernetesVersion: "v1.28.9" });
  const nodes = await kubectl(kubeconfig, ["get", "nodes", "--no-headers"]);
  assert.equal(nodes.code, 0, nodes.stderr);
  const lines = nodes.stdout.trim().split("\n");
  assert.equal(lines.length, 3);
  assert.match(lines[0], /^sim-001-control-plane\s+Ready\s+control-plane\s+\S+\s+v1\.28\.9$/);
  assert.match(lines[2], /^sim-001-worker2\s+Ready\s+<none>/);

  const pods = await kubectl(kubeconfig, ["get", "pods", "-n", "kube-system", "--no-headers"]);
  assert.equal(pods.code, 0, pods.stderr);
  for (const c of ["etcd", "kube-apiserver", "kube-controller-manager", "kube-scheduler"])
    assert.match(pods.stdout, new RegExp(`${c}-sim-001-control-plane\\s+1/1\\s+Running`));

  const ds = await kubectl(kubeconfig, ["get", "ds,deploy,svc,cm", "-n", "kube-system", "-o", "name"]);
  for (const name of [
    "daemonset.apps/kube-proxy",
    "daemonset.apps/calico-node",
    "deployment.apps/coredns",
    "service/kube-dns",
    "configmap/kube-proxy",
    "configmap/calico-config",
  ])
    assert.ok(ds.stdout.includes(name), `${name} in ${ds.stdout}`);

  const version = await kubectl(kubeconfig, ["version", "-o", "json"]);
  assert.equal(JSON.parse(version.stdout).serverVersion.gitVersion, "v1.28.9");
});

test("only the cluster's token is accepted", async (t) => {
  const { cluster } = await startTestCluster(t);
  assert.equal((await httpsRequest(cluster, "/api/v1/nodes")).status, 200);
  assert.equal((await httpsRequest(cluster, "/api/v1/nodes", { token: "wrong" })).status, 401);
  assert.equal((await httpsRequest(cluster, "/api/v1/nodes", { token: "" })).status, 401);
  assert.equal((await httpsRequest(cluster, "/healthz", { token: "" })).status, 200);
});

test("offline: connections are refused, then served again on the same port", { skip }, async (t) => {
  const { cluster, kubeconfig } = await startTestCluster(t);
  const port = cluster.port;
  await cluster.updateFaults({ offline: true });
  assert.equal(await refused(port), true);
  const down = await kubectl(kubeconfig, ["get", "nodes"]);
  assert.notEqual(down.code, 0);
  assert.match(down.stderr, /refused/);

  await cluster.updateFaults({ offline: false });
  assert.equal(cluster.port, port);
  const up = await kubectl(kubeconfig, ["get", "nodes", "--no-headers"]);
  assert.equal(up.code, 0, up.stderr);
  assert.equal(up.stdout.trim().split("\n").length, 3);
});

test("API latency delays every request", async (t) => {
  const { cluster } = await startTestCluster(t);
  await cluster.updateFaults({ apiLatencyMs: 300 });
  const t0 = performance.now();
  assert.equal((await httpsRequest(cluster, "/api/v1/namespaces")).status, 200);
  assert.ok(performance.now() - t0 >= 290, "delayed by the fault");
  await cluster.updateFaults({ apiLatencyMs: 0 });
  const t1 = performance.now();
  await httpsRequest(cluster, "/api/v1/namespaces");
  assert.ok(performance.now() - t1 < 250, "fast again");
});

test("nodes NotReady appear in kubectl get nodes and recover", { skip }, async (t) => {
  const { cluster, kubeconfig } = await startTestCluster(t, { nodes: 3 });
  await cluster.updateFaults({ nodesNotReady: 1 });
  await cluster.heartbeat();
  const down = await kubectl(kubeconfig, ["get", "nodes", "--no-headers"]);
  assert.match(down.stdout, /sim-001-worker2\s+NotReady/);
  assert.match(down.stdout, /sim-001-worker\s+Ready/);

  const node = JSON.parse(
    (await kubectl(kubeconfig, ["get", "node", "sim-001-worker2", "-o", "json"])).stdout,
  );
  const ready = node.status.conditions.find((c: { type: string }) => c.type === "Ready");
  assert.equal(ready.status, "Unknown");
  assert.equal(ready.reason, "NodeStatusUnknown");
  assert.equal(ready.message, "Kubelet stopped posting node status.");
  assert.deepEqual(
    node.spec.taints.map((x: { key: string; effect: string }) => `${x.key}:${x.effect}`),
    ["node.kubernetes.io/unreachable:NoSchedule", "node.kubernetes.io/unreachable:NoExecute"],
  );

  await cluster.updateFaults({ nodesNotReady: [] });
  await cluster.heartbeat();
  const up = await kubectl(kubeconfig, ["get", "nodes", "--no-headers"]);
  assert.doesNotMatch(up.stdout, /NotReady/);
  const healed = JSON.parse(
    (await kubectl(kubeconfig, ["get", "node", "sim-001-worker2", "-o", "json"])).stdout,
  );
  assert.equal(healed.spec.taints, undefined);
});

test("/metrics serves application metrics without a credential", async (t) => {
  const { cluster } = await startTestCluster(t);
  await cluster.client.create({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "default" },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: "web" } },
      template: { metadata: { labels: { app: "web" } } },
    },
  });
  const r = await httpsRequest(cluster, "/metrics", { token: "" });
  assert.equal(r.status, 200);
  assert.match(r.text, /# TYPE http_requests_total counter/);
  assert.match(r.text, /http_requests_total\{namespace="default",deployment="web",code="200"\} \d+/);
  assert.match(
    r.text,
    /http_request_duration_seconds_bucket\{namespace="default",deployment="web",le="\+Inf"\}/,
  );
  assert.match(r.text, /mcp_apiserver_request_duration_seconds/);
});

/** True when a TCP connection to the port is refused. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, "127.0.0.1");
    s.on("connect", () => {
      s.destroy();
      resolve(false);
    });
    s.on("error", (e: NodeJS.ErrnoException) => resolve(e.code === "ECONNREFUSED"));
  });
}

test("the cluster's Events expire after --event-ttl", async (t) => {
  const { cluster } = await startTestCluster(t, {}, { eventTtlMs: 1500 });
  const count = async () => (await cluster.client.list("v1", "Event", "kube-system")).length;
  // Starting the add-ons is recorded, as on a real cluster...
  await until("kube-system events", async () => (await count()) > 0, 10_000);
  // ...and forgotten once the TTL has passed without a repeat.
  await until("events expired", async () => (await count()) === 0, 15_000);
});
