// Templates as a real cluster stores them (what `kubectl get -o yaml` exports and users apply to
// the hub), rendered for a member: nothing is left that another apiserver would refuse, that the
// member's controllers set for themselves, or that names something only the source cluster has.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { pruneForMember } from "./prune.ts";
import { renderTemplate } from "./render.ts";

const UID = "3f1c2a9e-7d4b-4c1e-9a55-0b6a1c2d3e4f";

describe("pruneForMember", () => {
  it("Job: the generated selector, uid and job-name labels and the TTL go; the user's labels stay", () => {
    const job: KubeObject = {
      apiVersion: "batch/v1",
      kind: "Job",
      metadata: {
        name: "pi",
        namespace: "batch",
        uid: UID,
        labels: {
          "batch.kubernetes.io/controller-uid": UID,
          "batch.kubernetes.io/job-name": "pi",
          "controller-uid": UID,
          "job-name": "pi",
        },
      },
      spec: {
        backoffLimit: 4,
        ttlSecondsAfterFinished: 100,
        selector: { matchLabels: { "batch.kubernetes.io/controller-uid": UID } },
        template: {
          metadata: {
            labels: {
              app: "pi",
              "batch.kubernetes.io/controller-uid": UID,
              "batch.kubernetes.io/job-name": "pi",
              "controller-uid": UID,
              "job-name": "pi",
            },
          },
          spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl:5.34" }] },
        },
      },
      status: { succeeded: 1 },
    };
    const m = renderTemplate(job);
    assert.deepEqual(m.metadata.labels, { "batch.kubernetes.io/job-name": "pi", "job-name": "pi" });
    assert.deepEqual(m.spec, {
      backoffLimit: 4,
      template: {
        metadata: { labels: { app: "pi" } },
        spec: { restartPolicy: "Never", containers: [{ name: "pi", image: "perl:5.34" }] },
      },
    });
    assert.equal(m.status, undefined);
  });

  it("Job with manualSelector: the user's selector and labels stay (the TTL still goes)", () => {
    const spec = {
      manualSelector: true,
      ttlSecondsAfterFinished: 5,
      selector: { matchLabels: { "job-name": "mine" } },
      template: { metadata: { labels: { "job-name": "mine" } } },
    };
    const m: KubeObject = { apiVersion: "batch/v1", kind: "Job", metadata: { name: "j" }, spec };
    pruneForMember(m);
    const { ttlSecondsAfterFinished: _ttl, ...rest } = spec;
    assert.deepEqual(m.spec, rest);
  });

  it("Deployment and DaemonSet: the revision annotations their member controllers keep go", () => {
    const d = renderTemplate({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: {
        name: "web",
        namespace: "shop",
        annotations: { "deployment.kubernetes.io/revision": "7", team: "a" },
      },
      spec: { replicas: 2 },
    });
    assert.deepEqual(d.metadata.annotations, { team: "a" });
    const ds = renderTemplate({
      apiVersion: "apps/v1",
      kind: "DaemonSet",
      metadata: { name: "agent", annotations: { "deprecated.daemonset.template.generation": "3" } },
      spec: {},
    });
    assert.equal(ds.metadata.annotations, undefined);
  });

  it("PVC: a volume the controller bound and the binding annotations go; a chosen volume stays", () => {
    const bound = renderTemplate({
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: {
        name: "data",
        namespace: "db",
        annotations: {
          "pv.kubernetes.io/bind-completed": "yes",
          "pv.kubernetes.io/bound-by-controller": "yes",
          "volume.beta.kubernetes.io/storage-provisioner": "rancher.io/local-path",
          "volume.kubernetes.io/storage-provisioner": "rancher.io/local-path",
          "volume.kubernetes.io/selected-node": "kind-worker",
          backup: "daily",
        },
      },
      spec: {
        accessModes: ["ReadWriteOnce"],
        resources: { requests: { storage: "1Gi" } },
        storageClassName: "standard",
        volumeMode: "Filesystem",
        volumeName: "pvc-0b6a1c2d",
      },
      status: { phase: "Bound" },
    });
    assert.deepEqual(bound.metadata.annotations, { backup: "daily" });
    assert.deepEqual(bound.spec, {
      accessModes: ["ReadWriteOnce"],
      resources: { requests: { storage: "1Gi" } },
      storageClassName: "standard",
      volumeMode: "Filesystem",
    });
    const chosen: KubeObject = {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: "static" },
      spec: { volumeName: "nfs-share" },
    };
    pruneForMember(chosen);
    assert.deepEqual(chosen.spec, { volumeName: "nfs-share" });
  });

  it("Pod: the node it was scheduled to goes", () => {
    const p: KubeObject = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { nodeName: "hub-node-1", containers: [{ name: "c", image: "busybox" }] },
    };
    pruneForMember(p);
    assert.deepEqual(p.spec, { containers: [{ name: "c", image: "busybox" }] });
  });

  it("Secret: stringData is sent as the data the member stores", () => {
    const s: KubeObject = {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      type: "Opaque",
      data: { a: "YQ==" },
      stringData: { b: "hello", a: "over" },
    };
    pruneForMember(s);
    assert.deepEqual(s, {
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "s" },
      type: "Opaque",
      data: { a: Buffer.from("over").toString("base64"), b: Buffer.from("hello").toString("base64") },
    });
  });

  it("Service: a LoadBalancer's allocated clusterIPs and health check port go, user nodePorts stay", () => {
    const svc = renderTemplate({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", namespace: "shop" },
      spec: {
        type: "LoadBalancer",
        externalTrafficPolicy: "Local",
        healthCheckNodePort: 31999,
        clusterIP: "10.96.12.7",
        clusterIPs: ["10.96.12.7"],
        ports: [{ port: 80, nodePort: 30080 }],
      },
      status: { loadBalancer: { ingress: [{ ip: "172.18.0.10" }] } },
    });
    assert.deepEqual(svc.spec, {
      type: "LoadBalancer",
      externalTrafficPolicy: "Local",
      ports: [{ port: 80, nodePort: 30080 }],
    });
    assert.equal(svc.status, undefined);
  });

  it("leaves kinds it knows nothing about alone", () => {
    const cr: KubeObject = {
      apiVersion: "example.com/v1",
      kind: "Service",
      metadata: { name: "x" },
      spec: { clusterIP: "1.2.3.4" },
    };
    pruneForMember(cr);
    assert.deepEqual(cr.spec, { clusterIP: "1.2.3.4" });
  });
});
