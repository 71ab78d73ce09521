import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { KubeObject } from "../apis/meta/types.ts";
import { workloadDependencies } from "./dependencies.ts";
import { isWorkload, podSpecOf, templateReplicas } from "./pod-spec.ts";

const podSpec = {
  serviceAccountName: "web-sa",
  imagePullSecrets: [{ name: "registry" }],
  volumes: [
    { name: "cfg", configMap: { name: "web-config" } },
    { name: "tls", secret: { secretName: "web-tls" } },
    {
      name: "mix",
      projected: {
        sources: [{ configMap: { name: "projected-cm" } }, { secret: { name: "projected-secret" } }],
      },
    },
    { name: "scratch", emptyDir: {} },
  ],
  initContainers: [{ name: "init", envFrom: [{ secretRef: { name: "init-env" } }] }],
  containers: [
    {
      name: "web",
      env: [
        { name: "A", valueFrom: { configMapKeyRef: { name: "env-cm", key: "a" } } },
        { name: "B", valueFrom: { secretKeyRef: { name: "env-secret", key: "b" } } },
        { name: "C", value: "plain" },
        { name: "D", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      ],
      envFrom: [{ configMapRef: { name: "web-config" } }],
    },
  ],
};

const deployment: KubeObject = {
  apiVersion: "apps/v1",
  kind: "Deployment",
  metadata: { name: "web", namespace: "shop" },
  spec: { template: { spec: podSpec } },
};

const names = (obj: KubeObject) => workloadDependencies(obj).map((d) => `${d.kind}/${d.namespace}/${d.name}`);

describe("workload dependencies", () => {
  it("lists ConfigMaps, Secrets and the ServiceAccount a pod template references, sorted, once each", () => {
    assert.deepEqual(names(deployment), [
      "ConfigMap/shop/env-cm",
      "ConfigMap/shop/projected-cm",
      "ConfigMap/shop/web-config",
      "Secret/shop/env-secret",
      "Secret/shop/init-env",
      "Secret/shop/projected-secret",
      "Secret/shop/registry",
      "Secret/shop/web-tls",
      "ServiceAccount/shop/web-sa",
    ]);
    assert.equal(workloadDependencies(deployment)[0].apiVersion, "v1");
  });

  it("reads every workload kind's pod template, CronJobs one level deeper, Pods directly", () => {
    const wrap = (apiVersion: string, kind: string, spec: unknown): KubeObject => ({
      apiVersion,
      kind,
      metadata: { name: "x", namespace: "ns" },
      spec,
    });
    const simple = { containers: [{ envFrom: [{ configMapRef: { name: "c" } }] }] };
    for (const [v, k] of [
      ["apps/v1", "StatefulSet"],
      ["apps/v1", "DaemonSet"],
      ["apps/v1", "ReplicaSet"],
      ["batch/v1", "Job"],
      ["v1", "ReplicationController"],
    ])
      assert.deepEqual(names(wrap(v, k, { template: { spec: simple } })), ["ConfigMap/ns/c"], k);
    assert.deepEqual(
      names(wrap("batch/v1", "CronJob", { jobTemplate: { spec: { template: { spec: simple } } } })),
      ["ConfigMap/ns/c"],
    );
    assert.deepEqual(names(wrap("v1", "Pod", simple)), ["ConfigMap/ns/c"]);
  });

  it("skips the default ServiceAccount (the deprecated serviceAccount field counts too)", () => {
    const sa = (spec: Record<string, unknown>) =>
      names({ ...deployment, spec: { template: { spec: { containers: [], ...spec } } } });
    assert.deepEqual(sa({ serviceAccountName: "default" }), []);
    assert.deepEqual(sa({ serviceAccount: "legacy" }), ["ServiceAccount/shop/legacy"]);
  });

  it("has nothing for kinds without pods or objects without a namespace", () => {
    assert.deepEqual(
      names({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", namespace: "n" } }),
      [],
    );
    assert.deepEqual(
      names({
        apiVersion: "example.com/v1",
        kind: "Deployment",
        metadata: { name: "c", namespace: "n" },
        spec: { template: { spec: podSpec } },
      }),
      [],
    );
    assert.deepEqual(names({ ...deployment, metadata: { name: "web" } }), []);
  });
});

describe("pod templates and replicas", () => {
  it("knows which kinds are workloads", () => {
    assert.equal(isWorkload(deployment), true);
    assert.equal(isWorkload({ apiVersion: "v1", kind: "Service" }), false);
    assert.equal(podSpecOf({ ...deployment, spec: {} }), undefined);
  });

  it("reads spec.replicas, defaulting to 1 for the kinds Kubernetes defaults", () => {
    assert.equal(templateReplicas({ ...deployment, spec: { replicas: 6 } }), 6);
    assert.equal(templateReplicas({ ...deployment, spec: { replicas: 0 } }), 0);
    assert.equal(templateReplicas(deployment), 1);
    assert.equal(
      templateReplicas({ apiVersion: "example.com/v1", kind: "Game", metadata: {}, spec: { replicas: 4 } }),
      4,
    );
    assert.equal(
      templateReplicas({ apiVersion: "example.com/v1", kind: "Game", metadata: {}, spec: { replicas: "4" } }),
      undefined,
    );
    assert.equal(templateReplicas({ apiVersion: "v1", kind: "ConfigMap", metadata: {} }), undefined);
    assert.equal(
      templateReplicas({ apiVersion: "batch/v1", kind: "Job", metadata: {}, spec: {} }),
      undefined,
    );
  });
});
