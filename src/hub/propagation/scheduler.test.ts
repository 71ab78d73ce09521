import assert from "node:assert/strict";
import { test } from "node:test";
import { eventually } from "../clusters/testing.ts";
import { configMap } from "./propagation-testing.ts";
import { bindingRefOf } from "./scheduler-bindings.ts";
import {
  clusterNames,
  clusterPropagationPolicy,
  deployment,
  propagationPolicy,
  scheduledCondition,
  startSchedulerTest,
  targets,
} from "./scheduler-testing.ts";

const EAST = { clusterAffinity: { labelSelector: { matchLabels: { region: "east" } } } };
const webPolicy = (placement: Record<string, unknown> = EAST) =>
  propagationPolicy("app", {
    resourceSelectors: [
      {
        apiVersion: "apps/v1",
        kind: "Deployment",
        labelSelector: { matchExpressions: [{ key: "app", operator: "In", values: ["web", "api"] }] },
      },
    ],
    placement,
    conflictResolution: "Overwrite",
    retainFields: ["spec.replicas"],
    immutableFieldChange: "Recreate",
  });

async function eastWestFleet(h: Awaited<ReturnType<typeof startSchedulerTest>>) {
  await h.cluster("east-1", { region: "east" });
  await h.cluster("east-2", { region: "east" });
  await h.cluster("west-1", { region: "west" });
}

/** The east-west fleet, with web placed on both east clusters. */
async function webPlacedEast(h: Awaited<ReturnType<typeof startSchedulerTest>>) {
  await eastWestFleet(h);
  await h.apply(deployment("web"));
  await h.apply(webPolicy());
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).length === 2);
}

test("a selected Deployment gets a binding: owner, resource, policy, clusters, replicas, options, Scheduled", async (t) => {
  const h = await startSchedulerTest(t);
  await eastWestFleet(h);
  const web = await h.apply(deployment("web"));
  const policy = await h.apply(webPolicy());
  const b = await h.waitBinding("shop", "web-deployment", (x) => scheduledCondition(x)?.status === "True");
  assert.deepEqual(b?.metadata.ownerReferences, [
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      name: "web",
      uid: web.metadata.uid,
      controller: true,
      blockOwnerDeletion: false,
    },
  ]);
  assert.deepEqual(b?.spec, {
    resource: {
      apiVersion: "apps/v1",
      kind: "Deployment",
      namespace: "shop",
      name: "web",
      uid: web.metadata.uid,
    },
    policy: {
      apiVersion: "mcp.platform/v1",
      kind: "PropagationPolicy",
      namespace: "shop",
      name: "app",
      uid: policy.metadata.uid,
    },
    clusters: [
      { name: "east-1", replicas: 2 },
      { name: "east-2", replicas: 2 },
    ],
    replicas: 2,
    conflictResolution: "Overwrite",
    retainFields: ["spec.replicas"],
    immutableFieldChange: "Recreate",
  });
  const cond = scheduledCondition(b);
  assert.equal(cond?.reason, "Success");
  assert.equal(cond?.message, "placed on 2 cluster(s)");
  const status = b?.status as { schedulerObservedGeneration?: number; lastScheduledTime?: string };
  assert.equal(status.schedulerObservedGeneration, b?.metadata.generation);
  assert.ok(status.lastScheduledTime);
  // An unselected Deployment gets nothing.
  await h.apply(deployment("batch"));
  await h.scheduler.idle();
  assert.equal(await h.binding("shop", "batch-deployment"), undefined);
});

test("re-decided when cluster labels change; heartbeats re-decide nothing", async (t) => {
  const h = await startSchedulerTest(t);
  await webPlacedEast(h);

  const relabel = (name: string, region: string) =>
    h.client.mutate({ apiVersion: "mcp.platform/v1", kind: "Cluster", name }, (c) => {
      c.metadata.labels = { region };
      return c;
    });
  await relabel("west-1", "east");
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "east-1,east-2,west-1");
  await relabel("east-2", "west");
  const b = await h.waitBinding("shop", "web-deployment", (x) => clusterNames(x).join() === "east-1,west-1");
  await h.scheduler.idle();

  // Heartbeats: status writes with a new lastHeartbeatTime and node counts.
  const before = { ...h.scheduler.stats };
  for (let i = 0; i < 20; i++)
    await h.client.mutate(
      { apiVersion: "mcp.platform/v1", kind: "Cluster", name: `east-1` },
      (c) => ({
        ...c,
        status: {
          ...(c.status as object),
          lastHeartbeatTime: new Date(Date.now() + i * 1000).toISOString(),
          nodes: { total: 3, ready: i % 3 },
        },
      }),
      { status: true },
    );
  // A real change afterwards proves the heartbeats were seen before it.
  await relabel("west-1", "west");
  await h.waitBinding("shop", "web-deployment", (x) => clusterNames(x).join() === "east-1");
  await h.scheduler.idle();
  // The relabel decides the Deployment and then its Namespace (which follows it); 20 heartbeats nothing.
  assert.equal(h.scheduler.stats.passes - before.passes, 2);
  const now = await h.binding("shop", "web-deployment");
  assert.ok(now?.metadata.resourceVersion !== b?.metadata.resourceVersion);

  // A cluster joining elsewhere re-decides but rewrites nothing (not even the Scheduled message).
  const writes = h.scheduler.stats.writes;
  const passes = h.scheduler.stats.passes;
  await h.cluster("west-9", { region: "west" });
  await eventually(
    async () => h.scheduler.stats.passes,
    (n) => n > passes,
  );
  await h.scheduler.idle();
  assert.equal(h.scheduler.stats.writes, writes);
  assert.equal(
    (await h.binding("shop", "web-deployment"))?.metadata.resourceVersion,
    now?.metadata.resourceVersion,
  );
});

test("Divided 6 replicas over static weights 2:1 → 4 and 2", async (t) => {
  const h = await startSchedulerTest(t);
  await eastWestFleet(h);
  await h.apply(deployment("batch", { replicas: 6 }));
  await h.apply(
    propagationPolicy("batch", {
      resourceSelectors: [{ apiVersion: "apps/v1", kind: "Deployment", name: "batch" }],
      placement: {
        clusterAffinity: { clusterNames: ["east-1", "east-2"] },
        replicaScheduling: {
          replicaSchedulingType: "Divided",
          replicaDivisionPreference: "Weighted",
          weightPreference: {
            staticWeightList: [
              { targetCluster: { clusterNames: ["east-1"] }, weight: 2 },
              { targetCluster: { clusterNames: ["east-2"] }, weight: 1 },
            ],
          },
        },
      },
    }),
  );
  const b = await h.waitBinding("shop", "batch-deployment", (x) => targets(x).length === 2);
  assert.deepEqual(targets(b), [
    { name: "east-1", replicas: 4 },
    { name: "east-2", replicas: 2 },
  ]);
  assert.equal((b?.spec as { replicas?: number } | undefined)?.replicas, 6);
  // Scaling the template re-divides it.
  await h.apply(deployment("batch", { replicas: 9 }));
  await h.waitBinding(
    "shop",
    "batch-deployment",
    (x) => targets(x)[0]?.replicas === 6 && targets(x)[1]?.replicas === 3,
  );
});

test("deleting the policy deletes the binding; so does the template leaving the selector", async (t) => {
  const h = await startSchedulerTest(t);
  await eastWestFleet(h);
  await h.apply(deployment("web"));
  await h.apply(deployment("api"));
  await h.apply(webPolicy());
  await h.waitBinding("shop", "web-deployment", (b) => !!b);
  await h.waitBinding("shop", "api-deployment", (b) => !!b);
  await h.apply(deployment("api", { labels: { app: "other" } }));
  await h.waitBinding("shop", "api-deployment", (b) => b === undefined);
  await h.client.delete({
    apiVersion: "mcp.platform/v1",
    kind: "PropagationPolicy",
    namespace: "shop",
    name: "app",
  });
  await h.waitBinding("shop", "web-deployment", (b) => b === undefined);
});

test("status-only changes of a template do not rewrite its binding", async (t) => {
  const h = await startSchedulerTest(t);
  await eastWestFleet(h);
  await h.apply(deployment("web"));
  await h.apply(webPolicy());
  const b = await h.waitBinding("shop", "web-deployment", (x) => scheduledCondition(x)?.status === "True");
  await h.scheduler.idle();
  const before = { ...h.scheduler.stats };
  for (let i = 1; i <= 5; i++)
    await h.client.mutate(
      { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" },
      (d) => ({ ...d, status: { replicas: 4, readyReplicas: i % 4, availableReplicas: i % 4 } }),
      { status: true },
    );
  // A change the scheduler must look at, after the status writes: a new label (still selected).
  await h.apply(deployment("web", { labels: { app: "web", team: "shop" } }));
  await eventually(
    async () => h.scheduler.stats.passes,
    (n) => n > before.passes,
  );
  await h.scheduler.idle();
  assert.equal(h.scheduler.stats.passes - before.passes, 1, "only the label change was decided");
  assert.equal(h.scheduler.stats.writes, before.writes, "nothing written");
  assert.equal(
    (await h.binding("shop", "web-deployment"))?.metadata.resourceVersion,
    b?.metadata.resourceVersion,
  );
});

test("taints keep clusters out until the policy tolerates them; nothing fitting is Scheduled=False", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster(
    "gpu-1",
    { region: "east" },
    { taints: [{ key: "gpu", value: "true", effect: "NoSchedule" }] },
  );
  await h.apply(deployment("web"));
  await h.apply(webPolicy());
  const b = await h.waitBinding("shop", "web-deployment", (x) => scheduledCondition(x)?.status === "False");
  assert.deepEqual(clusterNames(b), []);
  assert.equal(scheduledCondition(b)?.reason, "NoClusterFit");
  assert.equal(
    scheduledCondition(b)?.message,
    "0/1 clusters are available: 1 had untolerated taint {gpu=true:NoSchedule}",
  );
  await h.apply(
    webPolicy({ ...EAST, clusterTolerations: [{ key: "gpu", operator: "Equal", value: "true" }] }),
  );
  const ok = await h.waitBinding("shop", "web-deployment", (x) => scheduledCondition(x)?.status === "True");
  assert.deepEqual(clusterNames(ok), ["gpu-1"]);
});

test("only accepted clusters not being deleted are used", async (t) => {
  const h = await startSchedulerTest(t);
  await h.cluster("east-1", { region: "east" });
  await h.cluster("pending", { region: "east" }, { hubAcceptsClient: false });
  await h.cluster(
    "push",
    { region: "east" },
    { mode: "Push", hubAcceptsClient: undefined, apiEndpoint: "https://10.0.0.1:6443" },
  );
  await h.apply(deployment("web"));
  await h.apply(webPolicy());
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "east-1,push");
  await h.client.mutate({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "pending" }, (c) => {
    (c.spec as { hubAcceptsClient?: boolean }).hubAcceptsClient = true;
    return c;
  });
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "east-1,pending,push");
  await h.client.mutate({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "east-1" }, (c) => {
    c.metadata.finalizers = ["test/hold"];
    return c;
  });
  await h.client.delete({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "east-1" });
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "pending,push");
  await h.client.delete({ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "push" });
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "pending");
});

test("a PropagationPolicy beats a ClusterPropagationPolicy; cluster-scoped templates bind in mcp-system", async (t) => {
  const h = await startSchedulerTest(t);
  await eastWestFleet(h);
  await h.apply(deployment("web"));
  await h.apply(
    clusterPropagationPolicy("everything-west", {
      resourceSelectors: [
        { apiVersion: "apps/v1", kind: "Deployment" },
        { apiVersion: "rbac.authorization.k8s.io/v1", kind: "ClusterRole", name: "reader" },
      ],
      placement: { clusterAffinity: { labelSelector: { matchLabels: { region: "west" } } } },
      priority: 100,
    }),
  );
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "west-1");
  await h.apply(webPolicy());
  const b = await h.waitBinding("shop", "web-deployment", (x) => clusterNames(x).join() === "east-1,east-2");
  assert.equal((b?.spec as { policy: { kind: string } } | undefined)?.policy.kind, "PropagationPolicy");

  await h.apply({
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: "reader" },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get"] }],
  });
  const role = await h.waitBinding("mcp-system", "reader-clusterrole", (x) => !!x);
  assert.deepEqual(clusterNames(role), ["west-1"]);
  assert.equal(
    (role?.spec as { resource: { namespace?: string } } | undefined)?.resource.namespace,
    undefined,
  );
});

test("templates of a custom kind are scheduled once the kind is served", async (t) => {
  const h = await startSchedulerTest(t);
  await eastWestFleet(h);
  await h.apply(
    propagationPolicy("games", {
      resourceSelectors: [{ apiVersion: "example.com/v1", kind: "Game" }],
      placement: { clusterAffinity: { clusterNames: ["west-1"] } },
    }),
  );
  await h.scheduler.idle();
  h.client.registry.add({
    group: "example.com",
    version: "v1",
    kind: "Game",
    listKind: "GameList",
    plural: "games",
    singular: "game",
    namespaced: true,
    verbs: ["create", "delete", "get", "list", "patch", "update", "watch"],
    subresources: [],
    builtin: false,
    source: "crd",
  });
  await h.apply({
    apiVersion: "example.com/v1",
    kind: "Game",
    metadata: { name: "chess", namespace: "shop" },
    spec: { replicas: 3 },
  });
  const b = await h.waitBinding("shop", "chess-game", (x) => !!x);
  assert.deepEqual(targets(b), [{ name: "west-1", replicas: 3 }]);
});

test("objects that may not be templates are never bound, whatever the policy says", async (t) => {
  const h = await startSchedulerTest(t);
  await eastWestFleet(h);
  await h.apply(configMap("sys", {}, "kube-system"));
  await h.apply({
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name: "default", namespace: "shop" },
  });
  await h.apply(configMap("ok", {}));
  await h.apply(
    clusterPropagationPolicy("greedy", {
      resourceSelectors: [
        { apiVersion: "v1", kind: "ConfigMap" },
        { apiVersion: "v1", kind: "ServiceAccount" },
        { apiVersion: "mcp.platform/v1", kind: "Cluster" },
      ],
    }),
  );
  await h.waitBinding("shop", "ok-configmap", (b) => !!b);
  await h.scheduler.idle();
  assert.equal(await h.binding("kube-system", "sys-configmap"), undefined);
  assert.equal(await h.binding("shop", "default-serviceaccount"), undefined);
  assert.equal(await h.binding("mcp-system", "east-1-cluster"), undefined);
});

test("a binding changed or deleted by someone else is put back; one for a vanished template is removed", async (t) => {
  const h = await startSchedulerTest(t);
  await webPlacedEast(h);
  const ref = bindingRefOf("shop", "web-deployment");
  await h.client.mutate(ref, (b) => {
    (b.spec as { clusters: unknown[] }).clusters = [{ name: "west-1", replicas: 9 }];
    return b;
  });
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "east-1,east-2");
  await h.client.delete(ref);
  await h.waitBinding("shop", "web-deployment", (b) => clusterNames(b).join() === "east-1,east-2");
  await h.client.create({
    apiVersion: "mcp.platform/v1",
    kind: "ResourceBinding",
    metadata: { name: "ghost-deployment", namespace: "shop" },
    spec: {
      resource: { apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "ghost" },
      clusters: [{ name: "east-1" }],
    },
  });
  await h.waitBinding("shop", "ghost-deployment", (b) => b === undefined);
});

test("after a restart, bindings of a kind not served yet are left alone; stale ones of unselected kinds go", async (t) => {
  const binding = (name: string, resource: Record<string, string>) => ({
    apiVersion: "mcp.platform/v1",
    kind: "ResourceBinding",
    metadata: { name, namespace: "shop" },
    spec: { resource, clusters: [{ name: "a" }] },
  });
  const h = await startSchedulerTest(t, {
    async seed(client) {
      await client.create(
        propagationPolicy("games", {
          resourceSelectors: [{ apiVersion: "example.com/v1", kind: "Game" }],
          placement: { clusterAffinity: { clusterNames: ["a"] } },
        }),
      );
      await client.create(
        binding("chess-game", {
          apiVersion: "example.com/v1",
          kind: "Game",
          namespace: "shop",
          name: "chess",
          uid: "u1",
        }),
      );
      await client.create(
        binding("old-statefulset", {
          apiVersion: "apps/v1",
          kind: "StatefulSet",
          namespace: "shop",
          name: "old",
        }),
      );
    },
  });
  await h.waitBinding("shop", "old-statefulset", (b) => b === undefined);
  await h.scheduler.idle();
  assert.deepEqual(clusterNames(await h.binding("shop", "chess-game")), ["a"]);
});
