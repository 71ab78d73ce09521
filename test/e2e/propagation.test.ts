// Propagation end to end with the real binaries (mcp-server, mcp-sim, mcp-agent, kubectl): an app
// and a policy selecting region=east land in exactly the two east members (the ConfigMap the
// Deployment references and the Namespace follow it); an OverridePolicy changes the image in one
// member only; a member-side `kubectl set image` is reverted; Divided 6 replicas over weights 2:1
// give 4 and 2; a pre-existing object MCP did not create is reported, not overwritten; deleting
// the policy removes the objects from the members; the hub's Deployment shows the summed status.
import assert from "node:assert/strict";
import { test } from "node:test";
import { apiClient } from "./support/api.ts";
import { startJoinedFleet } from "./support/joined-fleet.ts";
import { kubectl, kubectlOk } from "./support/kubectl.ts";
import { mcpctlOk } from "./support/mcpctl.ts";
import { eventually } from "./support/wait.ts";

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: web-config, namespace: shop}
data: {greeting: hello}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
        envFrom: [{configMapRef: {name: web-config}}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop, labels: {app: api}}
spec:
  replicas: 1
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers: [{name: api, image: registry.example/api:2.0}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: mcp.platform/v1
kind: PropagationPolicy
metadata: {name: app, namespace: shop}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, labelSelector: {matchExpressions: [{key: app, operator: In, values: [web, api]}]}}
  - {apiVersion: v1, kind: Service, name: web}
  placement:
    clusterAffinity: {labelSelector: {matchLabels: {region: east}}}
`;

const OVERRIDE = `
apiVersion: mcp.platform/v1
kind: OverridePolicy
metadata: {name: east-1-image, namespace: shop}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: web}]
  overrideRules:
  - targetCluster: {clusterNames: [sim-001]}
    overriders:
      imageOverrider: [{component: Tag, operator: replace, value: "1.1-east"}]
`;

const DIVIDED = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: batch, namespace: shop, labels: {app: batch}}
spec:
  replicas: 6
  selector: {matchLabels: {app: batch}}
  template:
    metadata: {labels: {app: batch}}
    spec:
      containers: [{name: batch, image: registry.example/batch:1}]
---
apiVersion: mcp.platform/v1
kind: PropagationPolicy
metadata: {name: batch, namespace: shop}
spec:
  resourceSelectors: [{apiVersion: apps/v1, kind: Deployment, name: batch}]
  placement:
    clusterAffinity: {clusterNames: [sim-001, sim-002]}
    replicaScheduling:
      replicaSchedulingType: Divided
      replicaDivisionPreference: Weighted
      weightPreference:
        staticWeightList:
        - {targetCluster: {clusterNames: [sim-001]}, weight: 2}
        - {targetCluster: {clusterNames: [sim-002]}, weight: 1}
`;

const LEGACY = `
apiVersion: v1
kind: ConfigMap
metadata: {name: legacy, namespace: shop}
data: {owner: hub}
---
apiVersion: mcp.platform/v1
kind: PropagationPolicy
metadata: {name: legacy, namespace: shop}
spec:
  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: legacy}]
  placement:
    clusterAffinity: {labelSelector: {matchLabels: {region: east}}}
`;

interface Obj {
  metadata: { name: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
  status?: Record<string, unknown>;
}

test("propagation: placement by label, dependencies, overrides, drift, Divided, conflicts, deletion", {
  timeout: 300_000,
}, async (t) => {
  const fleet = await startJoinedFleet(
    t,
    [
      { name: "sim-001", labels: { region: "east" } },
      { name: "sim-002", labels: { region: "east" } },
      { name: "sim-003", labels: { region: "west" } },
    ],
    { syncInterval: "2s" },
  );
  const hubKc = { kubeconfig: fleet.hub().kubeconfigPath };
  const member = (name: string) => ({ kubeconfig: fleet.kubeconfigOf(name) });
  const get = async (cluster: string, what: string): Promise<Obj | undefined> => {
    const r = await kubectl(["get", ...what.split(" "), "-n", "shop", "-o", "json"], member(cluster));
    if (r.code !== 0) {
      assert.match(r.stderr, /NotFound|not found/, r.stderr);
      return undefined;
    }
    return JSON.parse(r.stdout) as Obj;
  };
  const image = async (cluster: string, name = "web") =>
    (
      (await get(cluster, `deployment ${name}`))?.spec as {
        template: { spec: { containers: { image: string }[] } };
      }
    )?.template.spec.containers[0].image;

  // 1. The app and its policy: exactly the two east members get it, dependencies included.
  await kubectlOk(["apply", "-f", "-"], { ...hubKc, input: APP });
  await eventually(
    async () => {
      for (const c of ["sim-001", "sim-002"]) {
        for (const what of ["deployment web", "deployment api", "service web", "configmap web-config"])
          assert.ok(await get(c, what), `${what} in ${c}`);
        const d = (await get(c, "deployment web"))!;
        assert.equal(d.metadata.labels?.["mcp.platform/managed"], "true");
      }
    },
    { timeoutMs: 30_000, intervalMs: 200, what: "the app in both east members" },
  );
  const west = await kubectl(["get", "namespace", "shop"], member("sim-003"));
  assert.notEqual(west.code, 0, "nothing reaches the west member, not even the namespace");

  // The hub's Deployment shows the members' replicas summed (2 + 2 ready).
  await eventually(
    async () => {
      const d = JSON.parse(
        await kubectlOk(["get", "deployment", "web", "-n", "shop", "-o", "json"], hubKc),
      ) as Obj;
      assert.equal(d.status?.readyReplicas, 4, JSON.stringify(d.status));
    },
    { timeoutMs: 60_000, intervalMs: 500, what: "aggregated status on the hub's Deployment" },
  );
  const rb = JSON.parse(
    await kubectlOk(["get", "resourcebinding", "web-deployment", "-n", "shop", "-o", "json"], hubKc),
  ) as { spec: { clusters: { name: string }[] } };
  assert.deepEqual(
    rb.spec.clusters.map((c) => c.name),
    ["sim-001", "sim-002"],
  );

  // mcpctl shows where it went: get -o wide has a CLUSTERS column, describe a Propagation section.
  const wide = await mcpctlOk(fleet.hub().kubeconfigPath, ["get", "deployments", "-n", "shop", "-o", "wide"]);
  assert.match(wide.split("\n")[0], /CLUSTERS/);
  assert.match(wide.split("\n").find((l) => l.startsWith("web "))!, /sim-001 2\/2, sim-002 2\/2/);
  const described = await mcpctlOk(fleet.hub().kubeconfigPath, [
    "describe",
    "deployment",
    "web",
    "-n",
    "shop",
  ]);
  assert.match(described, /Propagation:\n {2}Policy: {2}PropagationPolicy\/shop\/app\n/);
  assert.match(described, /sim-001\s+2\s+True\s+Healthy\s+2/);
  // Both describes show the hub's events on the template (as Karmada records them).
  const propagationEvents = [
    /Normal\s+ApplyPolicySucceed\s+.*mcp-scheduler\s+Apply policy\(PropagationPolicy shop\/app\) succeed/,
    /Normal\s+ScheduleBindingSucceed\s+.*mcp-scheduler\s+Binding has been scheduled successfully\. Result: \{sim-001:2, sim-002:2\}/,
    /Normal\s+AggregateStatusSucceed\s+.*mcp-status-controller\s+Aggregated status: applied in all 2 clusters/,
  ];
  await eventually(
    async () => {
      const text = await mcpctlOk(fleet.hub().kubeconfigPath, [
        "describe",
        "deployment",
        "web",
        "-n",
        "shop",
      ]);
      for (const e of propagationEvents) assert.match(text, e);
      const fromKubectl = await kubectlOk(["describe", "deployment", "web", "-n", "shop"], hubKc);
      for (const e of propagationEvents) assert.match(fromKubectl, e);
    },
    { timeoutMs: 10_000, intervalMs: 500, what: "propagation events in mcpctl and kubectl describe" },
  );

  // 2. An OverridePolicy changes the image in sim-001 only.
  await kubectlOk(["apply", "-f", "-"], { ...hubKc, input: OVERRIDE });
  await eventually(
    async () => {
      assert.equal(await image("sim-001"), "registry.example/web:1.1-east");
      assert.equal(await image("sim-002"), "registry.example/web:1.0");
    },
    { timeoutMs: 20_000, intervalMs: 200, what: "the override in sim-001 only" },
  );

  // 3. Drift: a member-side `kubectl set image` is reverted within a few sync intervals (2 s).
  const driftTimes = async () =>
    JSON.stringify(
      (
        JSON.parse(await kubectlOk(["get", "work", "sim-002", "-n", "mcp-system", "-o", "json"], hubKc)) as {
          status?: { manifestStatuses?: { identifier: { name: string }; lastDriftTime?: string }[] };
        }
      ).status?.manifestStatuses
        ?.filter((m) => m.identifier.name === "web")
        .map((m) => m.lastDriftTime),
    );
  const driftBefore = await driftTimes();
  const set = await kubectlOk(
    ["set", "image", "deployment/web", "web=registry.example/evil:6.6", "-n", "shop"],
    member("sim-002"),
  );
  // The member took the change (the agent may revert it before the next read: it re-reads a
  // rolling Deployment early, so the change itself is not asserted).
  assert.match(set, /image updated/);
  const revertStarted = Date.now();
  await eventually(
    async () => {
      assert.equal(await image("sim-002"), "registry.example/web:1.0");
      assert.notEqual(await driftTimes(), driftBefore, "the drift is reported on the Work");
    },
    { timeoutMs: 15_000, intervalMs: 100, what: "the member-side image change reverted and reported" },
  );
  t.diagnostic(`drift reverted and reported after ${Date.now() - revertStarted} ms (syncInterval 2s)`);

  // 4. Divided: 6 replicas over weights 2:1 → 4 and 2.
  await kubectlOk(["apply", "-f", "-"], { ...hubKc, input: DIVIDED });
  await eventually(
    async () => {
      assert.equal((await get("sim-001", "deployment batch"))?.spec?.replicas, 4);
      assert.equal((await get("sim-002", "deployment batch"))?.spec?.replicas, 2);
      assert.equal(await get("sim-003", "deployment batch"), undefined);
    },
    { timeoutMs: 20_000, intervalMs: 200, what: "batch divided 4 + 2" },
  );

  // 5. An object MCP did not create is reported, not overwritten.
  await kubectlOk(
    ["create", "configmap", "legacy", "-n", "shop", "--from-literal=owner=member"],
    member("sim-001"),
  );
  await kubectlOk(["apply", "-f", "-"], { ...hubKc, input: LEGACY });
  await eventually(
    async () => {
      assert.equal((await get("sim-002", "configmap legacy"))?.data?.owner, "hub");
      const b = JSON.parse(
        await kubectlOk(["get", "resourcebinding", "legacy-configmap", "-n", "shop", "-o", "json"], hubKc),
      ) as { status?: { aggregatedStatus?: { cluster: string; applied?: boolean; reason?: string }[] } };
      const s001 = b.status?.aggregatedStatus?.find((s) => s.cluster === "sim-001");
      assert.equal(s001?.applied, false, JSON.stringify(b.status));
      assert.equal(s001?.reason, "Conflict");
    },
    { timeoutMs: 20_000, intervalMs: 200, what: "the conflict reported" },
  );
  // The conflict is an event on the template, naming the cluster and the member's error.
  await eventually(
    async () =>
      assert.match(
        await kubectlOk(["describe", "configmap", "legacy", "-n", "shop"], hubKc),
        /Warning\s+SyncFailed\s+.*mcp-status-controller\s+cluster sim-001: Conflict: \S.*/,
      ),
    { timeoutMs: 10_000, intervalMs: 200, what: "the SyncFailed event on the template" },
  );
  const legacy = (await get("sim-001", "configmap legacy"))!;
  assert.equal(legacy.data?.owner, "member");
  assert.equal(legacy.metadata.labels?.["mcp.platform/managed"], undefined);

  // 6. Deleting the policy removes its objects from the members (the batch stays: its own policy).
  await kubectlOk(["delete", "propagationpolicy", "app", "-n", "shop"], hubKc);
  await eventually(
    async () => {
      for (const c of ["sim-001", "sim-002"]) {
        for (const what of ["deployment web", "deployment api", "service web", "configmap web-config"])
          assert.equal(await get(c, what), undefined, `${what} still in ${c}`);
        assert.ok(await get(c, "deployment batch"), `batch in ${c}`);
      }
    },
    { timeoutMs: 30_000, intervalMs: 200, what: "the app removed from the members" },
  );
  assert.equal((await get("sim-001", "configmap legacy"))?.data?.owner, "member", "never touched");
});

test("propagation survives a hub SIGKILL mid-way: every member converges, revisions never go back", {
  timeout: 300_000,
}, async (t) => {
  const fleet = await startJoinedFleet(
    t,
    [
      { name: "sim-001", labels: { env: "prod" } },
      { name: "sim-002", labels: { env: "prod" } },
    ],
    { syncInterval: "2s" },
  );
  const hubKc = () => ({ kubeconfig: fleet.hub().kubeconfigPath });
  const watches = await Promise.all(
    ["sim-001", "sim-002"].map(async (c) =>
      (await apiClient(fleet.kubeconfigOf(c))).watch("/api/v1/namespaces/churn/configmaps?watch=true"),
    ),
  );
  t.after(() => {
    for (const w of watches) w.close();
  });
  const N = 20;
  const objects = (round: number) =>
    Array.from(
      { length: N },
      (_, i) =>
        `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c-${i}, namespace: churn}\ndata: {round: "${round}"}`,
    ).join("\n---\n");
  await kubectlOk(["apply", "-f", "-"], {
    ...hubKc(),
    input: `apiVersion: v1\nkind: Namespace\nmetadata: {name: churn}\n---\napiVersion: mcp.platform/v1\nkind: PropagationPolicy\nmetadata: {name: all, namespace: churn}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap}]\n  placement: {clusterAffinity: {labelSelector: {matchLabels: {env: prod}}}}\n`,
  });
  for (let round = 1; round <= 3; round++) {
    await kubectlOk(["apply", "-f", "-"], { ...hubKc(), input: objects(round) });
    if (round === 2) await fleet.killAndRestartHub();
  }
  await kubectlOk(["apply", "-f", "-"], { ...hubKc(), input: objects(4) });
  await eventually(
    async () => {
      for (const c of ["sim-001", "sim-002"]) {
        const list = JSON.parse(
          await kubectlOk(
            ["get", "configmaps", "-n", "churn", "-l", "mcp.platform/managed=true", "-o", "json"],
            {
              kubeconfig: fleet.kubeconfigOf(c),
            },
          ),
        ) as { items: Obj[] };
        assert.equal(list.items.length, N, `${c} has ${list.items.length}`);
        for (const o of list.items) assert.equal(o.data?.round, "4", `${c}/${o.metadata.name}`);
      }
    },
    { timeoutMs: 60_000, intervalMs: 250, what: "both members at round 4" },
  );
  // Every change a member saw carried a revision at least as high as the one before it.
  for (const w of watches) {
    const seen = new Map<string, number>();
    for (const e of w.events) {
      if (e.type !== "ADDED" && e.type !== "MODIFIED") continue;
      const md = e.object.metadata as { name: string; annotations?: Record<string, string> };
      const rev = Number(md.annotations?.["mcp.platform/revision"] ?? 0);
      const before = seen.get(md.name) ?? 0;
      assert.ok(rev >= before, `${md.name}: revision ${rev} after ${before}`);
      seen.set(md.name, rev);
    }
    assert.equal(seen.size, N);
  }
});

test("propagation to a push-mode member (the hub applies through its credential); Recreate in both modes", {
  timeout: 180_000,
}, async (t) => {
  const fleet = await startJoinedFleet(
    t,
    [
      { name: "sim-001", labels: { tier: "edge" }, mode: "Push" },
      { name: "sim-002", labels: { tier: "core" } },
    ],
    { syncInterval: "2s" },
  );
  await kubectlOk(["apply", "-f", "-"], {
    kubeconfig: fleet.hub().kubeconfigPath,
    input: `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: edge-settings, namespace: default}\ndata: {mode: push}\n---\napiVersion: mcp.platform/v1\nkind: ClusterPropagationPolicy\nmetadata: {name: edge}\nspec:\n  resourceSelectors: [{apiVersion: v1, kind: ConfigMap, name: edge-settings, namespace: default}]\n  placement: {clusterAffinity: {labelSelector: {matchLabels: {tier: edge}}}}\n`,
  });
  const cm = async (c: string) =>
    kubectl(["get", "configmap", "edge-settings", "-o", "jsonpath={.data.mode}"], {
      kubeconfig: fleet.kubeconfigOf(c),
    });
  await eventually(async () => assert.equal((await cm("sim-001")).stdout, "push"), {
    timeoutMs: 30_000,
    intervalMs: 200,
    what: "the ConfigMap in the push member",
  });
  assert.notEqual((await cm("sim-002")).code, 0, "not in the pull member labelled core");
  // Drift in a push member is reverted by the hub too.
  await kubectlOk(["patch", "configmap", "edge-settings", "-p", '{"data":{"mode":"edited"}}'], {
    kubeconfig: fleet.kubeconfigOf("sim-001"),
  });
  await eventually(async () => assert.equal((await cm("sim-001")).stdout, "push"), {
    timeoutMs: 15_000,
    intervalMs: 200,
    what: "push-member drift reverted",
  });

  // A Job's pod template cannot change in place: with immutableFieldChange: Recreate both members
  // (the push one through the hub, the pull one through its agent) get a new Job.
  const hubKc = { kubeconfig: fleet.hub().kubeconfigPath };
  await kubectlOk(["apply", "-f", "-"], { ...hubKc, input: MIGRATE_JOB });
  const job = async (c: string) => {
    const r = await kubectl(["get", "job", "migrate", "-o", "json"], { kubeconfig: fleet.kubeconfigOf(c) });
    if (r.code !== 0) return undefined;
    const o = JSON.parse(r.stdout) as Obj & { metadata: { uid: string } };
    const image = (o.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec
      .containers[0].image;
    return { uid: o.metadata.uid, image };
  };
  const first = new Map<string, string>();
  for (const c of ["sim-001", "sim-002"])
    await eventually(
      async () => {
        const j = await job(c);
        assert.equal(j?.image, "registry.example/migrate:1");
        first.set(c, j.uid);
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `the Job in ${c}` },
    );
  await kubectlOk(["set", "image", "job/migrate", "migrate=registry.example/migrate:2"], hubKc);
  for (const c of ["sim-001", "sim-002"])
    await eventually(
      async () => {
        const j = await job(c);
        assert.equal(j?.image, "registry.example/migrate:2");
        assert.notEqual(j.uid, first.get(c), "a new Job, not the old one changed");
      },
      { timeoutMs: 30_000, intervalMs: 200, what: `the Job re-created in ${c}` },
    );
});

const MIGRATE_JOB = `
apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: default}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: registry.example/migrate:1}]
---
apiVersion: mcp.platform/v1
kind: ClusterPropagationPolicy
metadata: {name: migrate}
spec:
  resourceSelectors: [{apiVersion: batch/v1, kind: Job, name: migrate, namespace: default}]
  placement: {clusterAffinity: {clusterNames: [sim-001, sim-002]}}
  immutableFieldChange: Recreate
`;
