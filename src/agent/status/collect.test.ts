import assert from "node:assert/strict";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { test } from "node:test";
import type { Authorizer } from "../../apiserver/auth/types.ts";
import { startTestApi } from "../../apiserver/testing/harness.ts";
import { ClusterUnreachableError, collectClusterStatus } from "./collect.ts";
import { kubeadmCalicoCluster, loadObjects, testKubeConfig } from "./fixtures.ts";

test("collects version, nodes, summed resources and kube-system components", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  await loadObjects(api.store, kubeadmCalicoCluster());

  const s = await collectClusterStatus(testKubeConfig(api.url));
  assert.equal(s.kubernetesVersion, "v1.30.0");
  assert.deepEqual(s.nodes, { total: 3, ready: 2 });
  assert.deepEqual(s.capacity, {
    cpu: "20",
    memory: "82535576Ki",
    pods: "330",
    "ephemeral-storage": "307050Mi",
  });
  assert.equal(s.allocatable?.cpu, "19400m");
  assert.equal(s.allocatable?.memory, "81282200Ki");
  assert.deepEqual(s.components, {
    etcdVersion: "3.5.12",
    cni: { name: "calico", version: "v3.27.2" },
    kubeProxyMode: "ipvs",
    coreDNSReplicas: { desired: 2, ready: 1 },
    mtu: { "*": 1440, "worker-2": 1400 },
  });
  assert.deepEqual(s.notes, []);
  assert.ok(Date.parse(s.observedAt) > 0);
});

test("a 403 on one resource leaves that field unknown, with a note, and the rest intact", async (t) => {
  const denyDaemonSets: Authorizer = {
    async authorize(a) {
      if (a.user.name === "limited" && a.resource === "daemonsets") return { allowed: false, reason: "test" };
      return { allowed: true };
    },
  };
  const api = await startTestApi({
    users: { limited: { name: "limited", groups: ["system:authenticated"] } },
    authorizer: denyDaemonSets,
  });
  t.after(() => api.close());
  await loadObjects(api.store, kubeadmCalicoCluster());

  const s = await collectClusterStatus(testKubeConfig(api.url, "limited"));
  assert.deepEqual(s.components.cni, { name: "unknown" });
  assert.equal(s.components.mtu?.["*"], undefined, "the CNI's MTU cannot be found without its DaemonSet");
  assert.equal(s.components.etcdVersion, "3.5.12");
  assert.deepEqual(s.nodes, { total: 3, ready: 2 });
  assert.equal(s.notes.length, 1);
  assert.match(s.notes[0], /list daemonsets: forbidden \(HTTP 403/);
});

test("missing add-ons degrade to unknown with notes, never a throw", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  await loadObjects(api.store, [{ apiVersion: "v1", kind: "Namespace", metadata: { name: "kube-system" } }]);

  const s = await collectClusterStatus(testKubeConfig(api.url));
  assert.deepEqual(s.nodes, { total: 0, ready: 0 });
  assert.equal(s.components.etcdVersion, "unknown");
  assert.deepEqual(s.components.cni, { name: "unknown" });
  assert.equal(s.components.kubeProxyMode, "unknown");
  assert.equal(s.components.coreDNSReplicas, undefined);
  assert.ok(s.notes.some((n) => /etcd/.test(n)));
  assert.ok(s.notes.some((n) => /kube-proxy: not found/.test(n)));
  assert.ok(s.notes.some((n) => /coredns/.test(n)));
});

test("an unreachable apiserver or a rejected credential throws a clear error", async (t) => {
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise((r) => closed.close(r));
  await assert.rejects(collectClusterStatus(testKubeConfig(`http://127.0.0.1:${port}`)), (e: unknown) => {
    assert.ok(e instanceof ClusterUnreachableError);
    assert.equal(e.kind, "network");
    assert.match(e.message, /cannot reach http:\/\/127\.0\.0\.1:\d+: connection refused/);
    return true;
  });

  const api = await startTestApi();
  t.after(() => api.close());
  await assert.rejects(collectClusterStatus(testKubeConfig(api.url, "wrong")), (e: unknown) => {
    assert.ok(e instanceof ClusterUnreachableError);
    assert.equal(e.kind, "unauthorized");
    assert.match(e.message, /credential was rejected/);
    assert.doesNotMatch(e.message, /wrong/, "the credential is not echoed");
    return true;
  });
});

test("a hundred nodes cost a handful of requests, never one per node", async (t) => {
  const api = await startTestApi();
  t.after(() => api.close());
  const objs = kubeadmCalicoCluster();
  const template = objs.find((o) => o.metadata.name === "worker-1")!;
  for (let i = 0; i < 100; i++)
    objs.push({ ...structuredClone(template), metadata: { ...template.metadata, name: `bulk-${i}` } });
  await loadObjects(api.store, objs);
  let requests = 0;
  let maxInFlight = 0;
  let inFlight = 0;
  const counting = createServer((req, res) => {
    requests++;
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    res.on("close", () => inFlight--);
    api.server.handle(req, res);
  });
  await new Promise<void>((r) => counting.listen(0, "127.0.0.1", r));
  t.after(() => new Promise((r) => counting.close(r)));

  const url = `http://127.0.0.1:${(counting.address() as AddressInfo).port}`;
  const s = await collectClusterStatus(testKubeConfig(url), { concurrency: 2, nodePageSize: 50 });
  assert.deepEqual(s.nodes, { total: 103, ready: 102 });
  // /version, 3 node pages, etcd pods, daemonsets, kube-proxy, DNS, calico-config.
  assert.equal(requests, 9);
  assert.ok(maxInFlight <= 2, `at most 2 requests at once, saw ${maxInFlight}`);
  counting.closeAllConnections();
});
