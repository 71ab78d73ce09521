// Kubernetes' defaults, case by case, as `kubectl get -o yaml` shows them on a real cluster.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { defaultNamespace } from "./core.ts";
import { defaultPod, imageTag, qosClass } from "./pod.ts";
import { ServiceAllocator, serviceDefaulter, serviceValidator } from "./service.ts";
import { defaultPersistentVolumeClaim } from "./storage.ts";
import {
  defaultDaemonSet,
  defaultDeployment,
  defaultJob,
  defaultReplicaSet,
  defaultStatefulSet,
  validateJob,
} from "./workloads.ts";

// biome-ignore lint/suspicious/noExplicitAny: objects read back from the API are untyped JSON
type Any = Record<string, any>;
type Fixture = KubeObject & { spec: Any; status: Any };
const obj = (kind: string, spec: Any = {}, meta: Any = {}): Fixture => ({
  status: undefined as unknown as Any,
  apiVersion: "v1",
  kind,
  metadata: { name: "x", namespace: "default", uid: "u-1", ...meta },
  spec,
});
const template = () => ({
  metadata: { labels: { app: "x" } },
  spec: { containers: [{ name: "c", image: "nginx:1.25" }] },
});

test("Deployment: RollingUpdate 25%/25%, one replica, history 10, deadline 600, template defaults", () => {
  const d = obj("Deployment", { template: template() });
  defaultDeployment(d);
  assert.deepEqual(d.spec.strategy, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" },
  });
  assert.equal(d.spec.replicas, 1);
  assert.equal(d.spec.revisionHistoryLimit, 10);
  assert.equal(d.spec.progressDeadlineSeconds, 600);
  const ps = d.spec.template.spec;
  assert.equal(ps.restartPolicy, "Always");
  assert.equal(ps.dnsPolicy, "ClusterFirst");
  assert.equal(ps.schedulerName, "default-scheduler");
  assert.equal(ps.terminationGracePeriodSeconds, 30);
  assert.deepEqual(ps.securityContext, {});
  assert.equal(ps.containers[0].imagePullPolicy, "IfNotPresent");
  assert.equal(ps.containers[0].terminationMessagePath, "/dev/termination-log");
  assert.equal(ps.containers[0].terminationMessagePolicy, "File");
  assert.equal(ps.enableServiceLinks, undefined, "Pod-only defaults stay off templates");
});

test("Deployment: explicit values and Recreate are kept", () => {
  const d = obj("Deployment", { replicas: 0, strategy: { type: "Recreate" }, template: template() });
  defaultDeployment(d);
  assert.equal(d.spec.replicas, 0);
  assert.deepEqual(d.spec.strategy, { type: "Recreate" });
});

test("ReplicaSet and DaemonSet", () => {
  const rs = obj("ReplicaSet", { template: template() });
  defaultReplicaSet(rs);
  assert.equal(rs.spec.replicas, 1);
  const ds = obj("DaemonSet", { template: template() });
  defaultDaemonSet(ds);
  assert.deepEqual(ds.spec.updateStrategy, {
    type: "RollingUpdate",
    rollingUpdate: { maxUnavailable: 1, maxSurge: 0 },
  });
  assert.equal(ds.spec.revisionHistoryLimit, 10);
});

test("StatefulSet: OrderedReady, RollingUpdate partition 0, serviceName, claim templates", () => {
  const s = obj("StatefulSet", {
    template: template(),
    volumeClaimTemplates: [{ metadata: { name: "data" }, spec: { accessModes: ["ReadWriteOnce"] } }],
  });
  defaultStatefulSet(s);
  assert.equal(s.spec.podManagementPolicy, "OrderedReady");
  assert.deepEqual(s.spec.updateStrategy, { type: "RollingUpdate", rollingUpdate: { partition: 0 } });
  assert.equal(s.spec.serviceName, "");
  assert.equal(s.spec.replicas, 1);
  assert.deepEqual(s.spec.persistentVolumeClaimRetentionPolicy, {
    whenDeleted: "Retain",
    whenScaled: "Retain",
  });
  assert.equal(s.spec.volumeClaimTemplates[0].spec.volumeMode, "Filesystem");
  assert.equal(s.spec.volumeClaimTemplates[0].status.phase, "Pending");
  const onDelete = obj("StatefulSet", { updateStrategy: { type: "OnDelete" }, serviceName: "db" });
  defaultStatefulSet(onDelete);
  assert.deepEqual(onDelete.spec.updateStrategy, { type: "OnDelete" });
  assert.equal(onDelete.spec.serviceName, "db");
});

test("Job: completions/parallelism 1, backoffLimit 6, generated selector; restartPolicy Always is invalid", () => {
  const j = obj(
    "Job",
    { template: { spec: { restartPolicy: "Never", containers: [{ name: "c", image: "busybox" }] } } },
    { name: "pi" },
  );
  defaultJob(j);
  assert.equal(j.spec.completions, 1);
  assert.equal(j.spec.parallelism, 1);
  assert.equal(j.spec.backoffLimit, 6);
  assert.equal(j.spec.completionMode, "NonIndexed");
  assert.deepEqual(j.spec.selector, { matchLabels: { "batch.kubernetes.io/controller-uid": "u-1" } });
  assert.equal(j.spec.template.metadata.labels["batch.kubernetes.io/job-name"], "pi");
  assert.equal(j.spec.template.spec.containers[0].imagePullPolicy, "Always", "untagged image is :latest");
  assert.deepEqual(validateJob(j), []);
  const parallel = obj("Job", { parallelism: 3, template: { spec: { containers: [] } } });
  defaultJob(parallel);
  assert.equal(parallel.spec.completions, undefined, "only parallelism given: completions stay unset");
  assert.equal(validateJob(parallel)[0].field, "spec.template.spec.restartPolicy");
});

test("Pod: spec defaults, admission defaults and status Pending with a QoS class", () => {
  const p = obj("Pod", {
    containers: [{ name: "c", image: "nginx", resources: { limits: { cpu: "1", memory: "1Gi" } } }],
  });
  defaultPod(p);
  assert.equal(p.spec.restartPolicy, "Always");
  assert.equal(p.spec.dnsPolicy, "ClusterFirst");
  assert.equal(p.spec.schedulerName, "default-scheduler");
  assert.equal(p.spec.terminationGracePeriodSeconds, 30);
  assert.equal(p.spec.enableServiceLinks, true);
  assert.equal(p.spec.serviceAccountName, "default");
  assert.equal(p.spec.priority, 0);
  assert.deepEqual(
    p.spec.tolerations.map((t: Any) => `${t.key}:${t.effect}:${t.tolerationSeconds}`),
    ["node.kubernetes.io/not-ready:NoExecute:300", "node.kubernetes.io/unreachable:NoExecute:300"],
  );
  assert.deepEqual(
    p.spec.containers[0].resources.requests,
    { cpu: "1", memory: "1Gi" },
    "requests default to limits",
  );
  assert.equal(p.status.phase, "Pending");
  assert.equal(p.status.qosClass, "Guaranteed");
  const critical = obj("Pod", { priorityClassName: "system-node-critical", containers: [] });
  defaultPod(critical);
  assert.equal(critical.spec.priority, 2_000_001_000);
});

test("QoS classes and image tags", () => {
  assert.equal(qosClass({ containers: [{ name: "a" }] }), "BestEffort");
  assert.equal(qosClass({ containers: [{ resources: { requests: { cpu: "100m" } } }] }), "Burstable");
  assert.equal(
    qosClass({
      containers: [
        { resources: { requests: { cpu: "1", memory: "1Gi" }, limits: { cpu: "1000m", memory: "1Gi" } } },
      ],
    }),
    "Guaranteed",
  );
  assert.equal(imageTag("nginx"), "latest");
  assert.equal(imageTag("registry:5000/team/app:v1"), "v1");
  assert.equal(imageTag("registry:5000/team/app"), "latest");
  assert.equal(imageTag("app@sha256:abc"), "");
});

test("Service: ClusterIP from 10.96.0.0/12, single-stack, TCP, targetPort = port", () => {
  const alloc = new ServiceAllocator();
  const s = obj("Service", {
    selector: { app: "x" },
    ports: [{ port: 80 }, { port: 53, protocol: "UDP", targetPort: "dns" }],
  });
  serviceDefaulter(alloc)(s, undefined);
  assert.equal(s.spec.type, "ClusterIP");
  assert.equal(s.spec.sessionAffinity, "None");
  assert.match(s.spec.clusterIP, /^10\.(9[6-9]|10\d|11[01])\.\d+\.\d+$/);
  assert.deepEqual(s.spec.clusterIPs, [s.spec.clusterIP]);
  assert.deepEqual(s.spec.ipFamilies, ["IPv4"]);
  assert.equal(s.spec.ipFamilyPolicy, "SingleStack");
  assert.equal(s.spec.internalTrafficPolicy, "Cluster");
  assert.deepEqual(s.spec.ports[0], { port: 80, protocol: "TCP", targetPort: 80 });
  assert.equal(s.spec.ports[1].targetPort, "dns");
  assert.deepEqual(s.status, { loadBalancer: {} });
  assert.deepEqual(serviceValidator(alloc)(s, undefined), []);
});

test("Service: an update without clusterIP keeps it; a change or a taken IP is invalid", () => {
  const alloc = new ServiceAllocator();
  const defaulter = serviceDefaulter(alloc);
  const validator = serviceValidator(alloc);
  const old = obj("Service", { type: "NodePort", ports: [{ port: 80 }] });
  defaulter(old, undefined);
  assert.ok(old.spec.ports[0].nodePort >= 30000 && old.spec.ports[0].nodePort <= 32767);
  const update = obj("Service", { type: "NodePort", ports: [{ port: 80 }] });
  defaulter(update, old);
  assert.equal(update.spec.clusterIP, old.spec.clusterIP);
  assert.equal(update.spec.ports[0].nodePort, old.spec.ports[0].nodePort);
  const changed = obj("Service", { clusterIP: "10.96.0.50" });
  defaulter(changed, old);
  assert.match(validator(changed, old)[0].message, /may not change once set/);

  const dns = obj("Service", { clusterIP: "10.96.0.10" }, { name: "kube-dns" });
  defaulter(dns, undefined);
  assert.deepEqual(validator(dns, undefined), []);
  const thief = obj("Service", { clusterIP: "10.96.0.10" }, { name: "other" });
  defaulter(thief, undefined);
  assert.match(validator(thief, undefined)[0].message, /provided IP is already allocated/);
  const outside = obj("Service", { clusterIP: "192.168.0.1" }, { name: "far" });
  assert.match(validator(outside, undefined)[0].message, /not in the valid range/);
  const headless = obj("Service", { clusterIP: "None" }, { name: "db" });
  defaulter(headless, undefined);
  assert.deepEqual(headless.spec.clusterIPs, ["None"]);
});

test("Namespace and PersistentVolumeClaim", () => {
  const ns = { apiVersion: "v1", kind: "Namespace", metadata: { name: "team-a" } } as Fixture;
  defaultNamespace(ns);
  assert.equal(ns.metadata.labels?.["kubernetes.io/metadata.name"], "team-a");
  assert.deepEqual(ns.spec.finalizers, ["kubernetes"]);
  assert.equal(ns.status.phase, "Active");
  const pvc = obj("PersistentVolumeClaim", { accessModes: ["ReadWriteOnce"] });
  defaultPersistentVolumeClaim(pvc);
  assert.equal(pvc.spec.volumeMode, "Filesystem");
  assert.equal(pvc.status.phase, "Pending");
});
