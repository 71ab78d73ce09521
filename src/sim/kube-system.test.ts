// What a fresh simulated cluster holds, seeded from its profile: nodes, leases, the control
// plane's mirror pods, CoreDNS, kube-proxy, the CNI and the default StorageClass.
import assert from "node:assert/strict";
import { test } from "node:test";
import { httpsRequest, startTestCluster } from "./testing/helpers.ts";

// biome-ignore lint/suspicious/noExplicitAny: objects read back from the API are untyped JSON
type Any = Record<string, any>;

test("nodes carry capacity, versions, roles and topology; each has a lease", async (t) => {
  const { cluster } = await startTestCluster(t, { nodes: 3, nodeCpu: "4", nodeMemory: "16Gi", nodePods: 50 });
  const nodes = (await cluster.client.list("v1", "Node")) as Any[];
  assert.deepEqual(
    nodes.map((n) => n.metadata.name),
    ["sim-001-control-plane", "sim-001-worker", "sim-001-worker2"],
  );
  const [cp, w] = nodes;
  assert.equal(cp.metadata.labels["node-role.kubernetes.io/control-plane"], "");
  assert.deepEqual(cp.spec.taints, [{ key: "node-role.kubernetes.io/control-plane", effect: "NoSchedule" }]);
  assert.equal(w.metadata.labels["kubernetes.io/hostname"], "sim-001-worker");
  assert.equal(w.metadata.labels["topology.kubernetes.io/region"], "us-east");
  assert.equal(w.status.capacity.cpu, "4");
  assert.equal(w.status.capacity.memory, "16Gi");
  assert.equal(w.status.capacity.pods, "50");
  assert.equal(w.status.allocatable.memory, `${16 * 1024 * 1024 - 102400}Ki`);
  assert.equal(w.status.nodeInfo.kubeletVersion, "v1.29.4");
  assert.equal(w.status.nodeInfo.kubeProxyVersion, "v1.29.4");
  assert.equal(w.status.nodeInfo.containerRuntimeVersion, "containerd://1.7.13");
  assert.equal(w.status.conditions.find((c: Any) => c.type === "Ready").status, "True");
  const leases = await cluster.client.list("coordination.k8s.io/v1", "Lease", "kube-node-lease");
  assert.equal(leases.length, 3);
});

test("kube-system: control plane, CoreDNS, kube-proxy mode, Calico MTU, default StorageClass", async (t) => {
  const { cluster } = await startTestCluster(t, {
    etcdVersion: "3.5.9",
    kubeProxyMode: "ipvs",
    coreDNSReplicas: 3,
  });
  const get = (apiVersion: string, kind: string, name: string, namespace = "kube-system") =>
    cluster.client.get({ apiVersion, kind, name, namespace }) as Promise<Any>;
  const etcd = await get("v1", "Pod", "etcd-sim-001-control-plane");
  assert.equal(etcd.spec.containers[0].image, "registry.k8s.io/etcd:3.5.9-0");
  assert.equal(etcd.status.phase, "Running");
  assert.equal(etcd.status.containerStatuses[0].ready, true);
  const apiserver = await get("v1", "Pod", "kube-apiserver-sim-001-control-plane");
  assert.equal(apiserver.spec.containers[0].image, "registry.k8s.io/kube-apiserver:v1.29.4");
  const coredns = await get("apps/v1", "Deployment", "coredns");
  assert.equal(coredns.spec.replicas, 3);
  assert.equal(coredns.spec.template.spec.containers[0].image, "registry.k8s.io/coredns/coredns:v1.11.1");
  const dns = await get("v1", "Service", "kube-dns");
  assert.equal(dns.spec.clusterIP, "10.96.0.10");
  const proxy = await get("v1", "ConfigMap", "kube-proxy");
  assert.match(proxy.data["config.conf"], /^mode: ipvs$/m);
  const ds = await get("apps/v1", "DaemonSet", "kube-proxy");
  assert.equal(ds.spec.template.spec.containers[0].image, "registry.k8s.io/kube-proxy:v1.29.4");
  const calico = await get("apps/v1", "DaemonSet", "calico-node");
  assert.equal(calico.spec.template.spec.containers[0].image, "docker.io/calico/node:v3.27.2");
  assert.equal((await get("v1", "ConfigMap", "calico-config")).data.veth_mtu, "1440");
  const sc = (await cluster.client.get({
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    name: "standard",
  })) as Any;
  assert.equal(sc.provisioner, "rancher.io/local-path");
  assert.equal(sc.metadata.annotations["storageclass.kubernetes.io/is-default-class"], "true");
  const kubernetes = await get("v1", "Service", "kubernetes", "default");
  assert.equal(kubernetes.spec.clusterIP, "10.96.0.1");
});

test("a Cilium cluster gets the cilium DaemonSet and cilium-config with its MTU", async (t) => {
  const { cluster } = await startTestCluster(t, { cni: { name: "cilium", version: "v1.14.5", mtu: 1450 } });
  const ds = (await cluster.client.get({
    apiVersion: "apps/v1",
    kind: "DaemonSet",
    name: "cilium",
    namespace: "kube-system",
  })) as Any;
  assert.equal(ds.spec.template.spec.containers[0].image, "quay.io/cilium/cilium:v1.14.5");
  const cm = (await cluster.client.get({
    apiVersion: "v1",
    kind: "ConfigMap",
    name: "cilium-config",
    namespace: "kube-system",
  })) as Any;
  assert.equal(cm.data.mtu, "1450");
  assert.equal(
    await cluster.client.get({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      name: "calico-node",
      namespace: "kube-system",
    }),
    undefined,
  );
});

test("a PVC created through the API gets the default StorageClass", async (t) => {
  const { cluster } = await startTestCluster(t);
  const r = await httpsRequest(cluster, "/api/v1/namespaces/default/persistentvolumeclaims", {
    method: "POST",
    body: {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "data" },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "1Gi" } } },
    },
  });
  assert.equal(r.status, 201, r.text);
  const pvc = JSON.parse(r.text);
  assert.equal(pvc.spec.storageClassName, "standard");
  assert.equal(pvc.spec.volumeMode, "Filesystem");
  assert.equal(pvc.status.phase, "Pending");
});

test("a namespace can be created and deleted; CRDs are served", async (t) => {
  const { cluster } = await startTestCluster(t);
  const ns = await httpsRequest(cluster, "/api/v1/namespaces", {
    method: "POST",
    body: { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } },
  });
  assert.equal(JSON.parse(ns.text).status.phase, "Active");
  assert.equal((await httpsRequest(cluster, "/api/v1/namespaces/team-a", { method: "DELETE" })).status, 200);
  for (let i = 0; i < 50 && (await httpsRequest(cluster, "/api/v1/namespaces/team-a")).status !== 404; i++)
    await new Promise((r) => setTimeout(r, 50));
  assert.equal((await httpsRequest(cluster, "/api/v1/namespaces/team-a")).status, 404);

  const crd = await httpsRequest(cluster, "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", {
    method: "POST",
    body: {
      apiVersion: "apiextensions.k8s.io/v1",
      kind: "CustomResourceDefinition",
      metadata: { name: "widgets.example.com" },
      spec: {
        group: "example.com",
        scope: "Namespaced",
        names: { kind: "Widget", plural: "widgets" },
        versions: [
          {
            name: "v1",
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
          },
        ],
      },
    },
  });
  assert.equal(crd.status, 201, crd.text);
  let listed = 0;
  for (let i = 0; i < 50 && listed !== 200; i++) {
    listed = (await httpsRequest(cluster, "/apis/example.com/v1/namespaces/default/widgets")).status;
    if (listed !== 200) await new Promise((r) => setTimeout(r, 50));
  }
  assert.equal(listed, 200);
});
