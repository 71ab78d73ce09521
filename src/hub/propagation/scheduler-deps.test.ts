import assert from "node:assert/strict";
import { test } from "node:test";
import type { KubeObject } from "../../apis/meta/types.ts";
import { configMap } from "./propagation-testing.ts";
import {
  clusterNames,
  clusterPropagationPolicy,
  deployment,
  propagationPolicy,
  scheduledCondition,
  startSchedulerTest,
} from "./scheduler-testing.ts";

const usingConfig = (name: string, cm: string) =>
  deployment(name, {
    podSpec: {
      containers: [{ name, image: "registry.example/web:1", envFrom: [{ configMapRef: { name: cm } }] }],
      volumes: [{ name: "tls", secret: { secretName: "web-tls" } }],
    },
  });

const placedOn = (name: string, clusters: string[], extra: Record<string, unknown> = {}) =>
  propagationPolicy(name, {
    resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name }],
    placement: { clusterAffinity: { clusterNames: clusters } },
    ...extra,
  });

const spec = (b: KubeObject | undefined) =>
  b?.spec as Record<string, unknown> & { requiredBy?: { name: string }[] };

test("a Deployment's ConfigMap, Secret and Namespace follow it to its clusters, as dependency bindings", async (t) => {
  const h = await startSchedulerTest(t);
  for (const c of ["a", "b", "c"]) await h.cluster(c);
  const cm = await h.apply(configMap("web-config", { greeting: "hello" }));
  const secret = await h.apply({
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "web-tls", namespace: "shop" },
    type: "kubernetes.io/tls",
    data: {},
  });
  const web = await h.apply(usingConfig("web", "web-config"));
  await h.apply(placedOn("web", ["a", "b"], { conflictResolution: "Overwrite" }));

  const cmBinding = await h.waitBinding("shop", "web-config-configmap", (b) => clusterNames(b).length === 2);
  const webRef = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    namespace: "shop",
    name: "web",
    uid: web.metadata.uid,
  };
  assert.deepEqual(spec(cmBinding), {
    resource: {
      apiVersion: "v1",
      kind: "ConfigMap",
      namespace: "shop",
      name: "web-config",
      uid: cm.metadata.uid,
    },
    requiredBy: [webRef],
    clusters: [{ name: "a" }, { name: "b" }],
    conflictResolution: "Overwrite",
  });
  assert.equal(cmBinding?.metadata.ownerReferences?.[0].uid, cm.metadata.uid);
  assert.equal(scheduledCondition(cmBinding)?.status, "True");
  assert.match(scheduledCondition(cmBinding)?.message ?? "", /follows the clusters of Deployment shop\/web/);
  const secretBinding = await h.waitBinding("shop", "web-tls-secret", (b) => !!b);
  assert.equal(
    spec(secretBinding).resource && (spec(secretBinding).resource as { uid: string }).uid,
    secret.metadata.uid,
  );

  // The Namespace: in mcp-system, required by the Deployment, never deleted from members.
  const ns = await h.waitBinding("mcp-system", "shop-namespace", (b) => clusterNames(b).length === 2);
  assert.deepEqual(spec(ns).requiredBy, [webRef]);
  assert.equal(spec(ns).preserveResourcesOnDeletion, true);
  assert.deepEqual(clusterNames(ns), ["a", "b"]);

  // A second Deployment using the same ConfigMap elsewhere: the union of clusters.
  const api = await h.apply(usingConfig("api", "web-config"));
  await h.apply(placedOn("api", ["c"]));
  const both = await h.waitBinding("shop", "web-config-configmap", (b) => clusterNames(b).length === 3);
  assert.deepEqual(
    spec(both).requiredBy?.map((r) => r.name),
    ["api", "web"],
  );
  assert.equal(spec(both).conflictResolution, "Overwrite", "any requirer overwriting");
  await h.waitBinding("mcp-system", "shop-namespace", (b) => clusterNames(b).join() === "a,b,c");
  assert.ok(api.metadata.uid);

  // Moving web moves its dependencies.
  await h.apply(placedOn("web", ["b"], { conflictResolution: "Overwrite" }));
  await h.waitBinding("shop", "web-config-configmap", (b) => clusterNames(b).join() === "b,c");
  await h.waitBinding("shop", "web-tls-secret", (b) => clusterNames(b).join() === "b,c");

  // Policies gone: nothing requires them, every binding goes.
  for (const name of ["web", "api"])
    await h.client.delete({
      apiVersion: "mcp.platform/v1",
      kind: "PropagationPolicy",
      namespace: "shop",
      name,
    });
  await h.waitBinding("shop", "web-config-configmap", (b) => b === undefined);
  await h.waitBinding("shop", "web-tls-secret", (b) => b === undefined);
  await h.waitBinding("mcp-system", "shop-namespace", (b) => b === undefined);
});

test("a dependency created after its workload gets its binding then", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("a");
  await h.apply(usingConfig("web", "late-config"));
  await h.apply(placedOn("web", ["a"]));
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).length === 1);
  await h.scheduler.idle();
  assert.equal(await h.binding("shop", "late-config-configmap"), undefined);
  await h.apply(configMap("late-config", { greeting: "hello" }));
  await h.waitBinding("shop", "late-config-configmap", (b) => clusterNames(b).join() === "a");
  // And loses it when the workload stops referencing it.
  await h.apply(deployment("web"));
  await h.waitBinding("shop", "late-config-configmap", (b) => b === undefined);
});

test("propagateDeps: false brings no ConfigMaps but still the Namespace", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("a");
  await h.apply(configMap("web-config", { greeting: "hello" }));
  await h.apply(usingConfig("web", "web-config"));
  await h.apply(placedOn("web", ["a"], { propagateDeps: false }));
  await h.waitBinding("mcp-system", "shop-namespace", (b) => clusterNames(b).join() === "a");
  await h.scheduler.idle();
  assert.equal(await h.binding("shop", "web-config-configmap"), undefined);
});

test("a ConfigMap both selected and required goes to both sets of clusters; a selected Namespace may be deleted", async (t) => {
  const h = await startSchedulerTest(t);
  for (const c of ["a", "b"]) await h.cluster(c);
  await h.apply(configMap("web-config", { greeting: "hello" }));
  await h.apply(usingConfig("web", "web-config"));
  await h.apply(placedOn("web", ["a"]));
  await h.apply(
    propagationPolicy("configs", {
      resourceSelectors: [{ apiVersion: "v1", kind: "ConfigMap" }],
      placement: { clusterAffinity: { clusterNames: ["b"] } },
    }),
  );
  const b = await h.waitBinding("shop", "web-config-configmap", (x) => clusterNames(x).join() === "a,b");
  // Required by web (on a) and selected for b: the Namespace is needed on both too.
  const needed = await h.waitBinding("mcp-system", "shop-namespace", (x) => clusterNames(x).join() === "a,b");
  assert.equal(spec(needed).preserveResourcesOnDeletion, true);
  assert.equal((spec(b).policy as { name: string }).name, "configs");
  assert.deepEqual(
    spec(b).requiredBy?.map((r) => r.name),
    ["web"],
  );

  await h.apply(
    clusterPropagationPolicy("namespaces", {
      resourceSelectors: [{ apiVersion: "v1", kind: "Namespace", name: "shop" }],
      placement: { clusterAffinity: { clusterNames: ["b"] } },
    }),
  );
  const ns = await h.waitBinding("mcp-system", "shop-namespace", (x) => !!spec(x)?.policy);
  assert.equal(spec(ns).preserveResourcesOnDeletion, undefined);
  assert.equal((spec(ns).policy as { name: string }).name, "namespaces");
  assert.deepEqual(clusterNames(ns), ["a", "b"]);
});

test("objects in the default namespace need no Namespace binding", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("a");
  await h.apply(deployment("web", { namespace: "default" }));
  await h.apply(
    propagationPolicy(
      "web",
      { resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "web" }] },
      "default",
    ),
  );
  await h.waitBinding("default", "web-deployment", (b) => clusterNames(b).join() === "a");
  await h.scheduler.idle();
  assert.equal(await h.binding("mcp-system", "default-namespace"), undefined);
});
