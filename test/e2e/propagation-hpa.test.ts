// Replicas an HPA owns in the member stay the member's: a Deployment and its HorizontalPodAutoscaler
// propagated with `retainFields: [spec.replicas]`, CPU load put on the member (mcp-sim's
// metrics-server and HPA controller scale the Deployment as a real cluster's would), and MCP
// neither reverts the HPA's replicas nor reports them as drift, while the hub's Deployment shows
// what the member runs. A change made at the hub (the image) still reaches the member.
import assert from "node:assert/strict";
import { test } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { startJoinedFleet } from "./support/joined-fleet.ts";
import { kubectl, kubectlOk } from "./support/kubectl.ts";
import { eventually } from "./support/wait.ts";

const APP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop, labels: {app: web}}
spec:
  replicas: 1
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: registry.example/web:1.0
        resources: {requests: {cpu: 100m, memory: 64Mi}}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: web, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: web}
  minReplicas: 1
  maxReplicas: 8
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
---
apiVersion: mcp.platform/v1
kind: PropagationPolicy
metadata: {name: web, namespace: shop}
spec:
  resourceSelectors:
  - {apiVersion: apps/v1, kind: Deployment, name: web}
  - {apiVersion: autoscaling/v2, kind: HorizontalPodAutoscaler, name: web}
  placement: {clusterAffinity: {clusterNames: [sim-001]}}
  retainFields: [spec.replicas]
`;

interface Deployment {
  spec: { replicas: number; template: { spec: { containers: { image: string }[] } } };
  status?: { readyReplicas?: number };
}

test("replicas an HPA owns in the member are retained, not reverted, and show at the hub", {
  timeout: 240_000,
}, async (t) => {
  const fleet = await startJoinedFleet(t, [{ name: "sim-001" }], {
    syncInterval: "2s",
    simArgs: ["--hpa-sync-period", "1s", "--metric-resolution", "1s", "--pod-start-delay", "200ms"],
  });
  const hubKc = { kubeconfig: fleet.hub().kubeconfigPath };
  const memberKc = { kubeconfig: fleet.kubeconfigOf("sim-001") };
  const deployment = async (kc: { kubeconfig: string }) =>
    JSON.parse(await kubectlOk(["get", "deployment", "web", "-n", "shop", "-o", "json"], kc)) as Deployment;

  await kubectlOk(["apply", "-f", "-"], { ...hubKc, input: APP });
  await eventually(async () => assert.equal((await deployment(memberKc)).status?.readyReplicas, 1), {
    timeoutMs: 60_000,
    intervalMs: 300,
    what: "web running in the member",
  });
  const hpa = await kubectl(["get", "hpa", "web", "-n", "shop"], memberKc);
  assert.equal(hpa.code, 0, `the HPA was propagated too: ${hpa.stderr}`);

  // 2.4 pods' worth of CPU at a 50% target: the member's HPA scales web to 5 (6 with the spread).
  await fleet.fault("sim-001", "--cpu-load", "shop/web=total:2.4");
  const scaled = await eventually(
    async () => {
      const d = await deployment(memberKc);
      assert.ok(d.spec.replicas >= 5, `replicas ${d.spec.replicas}`);
      assert.equal(d.status?.readyReplicas, d.spec.replicas);
      return d.spec.replicas;
    },
    { timeoutMs: 90_000, intervalMs: 500, what: "the HPA scaling web up in the member" },
  );

  // Several sync intervals later MCP has not put spec.replicas back to the hub's 1.
  await sleep(3 * 2000);
  assert.ok((await deployment(memberKc)).spec.replicas >= 5, "the HPA's replicas stand");
  const work = JSON.parse(
    await kubectlOk(["get", "work", "sim-001", "-n", "mcp-system", "-o", "json"], hubKc),
  ) as { status?: { manifestStatuses?: { identifier: { kind: string }; drift?: string[] }[] } };
  const web = work.status?.manifestStatuses?.find((s) => s.identifier.kind === "Deployment");
  assert.equal(web?.drift, undefined, `retained replicas are no drift: ${JSON.stringify(web)}`);
  assert.equal((await deployment(hubKc)).spec.replicas, 1, "the hub's template is not rewritten");

  // The hub's Deployment reports what the member runs.
  await eventually(async () => assert.ok(((await deployment(hubKc)).status?.readyReplicas ?? 0) >= 5), {
    timeoutMs: 30_000,
    intervalMs: 500,
    what: `the hub's status showing the member's ${scaled} replicas`,
  });

  // A change at the hub still lands, and leaves the replicas alone.
  await kubectlOk(["set", "image", "deployment/web", "web=registry.example/web:1.1", "-n", "shop"], hubKc);
  await eventually(
    async () => {
      const d = await deployment(memberKc);
      assert.equal(d.spec.template.spec.containers[0].image, "registry.example/web:1.1");
      assert.ok(d.spec.replicas >= 5, `replicas ${d.spec.replicas} after the image change`);
    },
    { timeoutMs: 30_000, intervalMs: 300, what: "the new image in the member" },
  );
});
