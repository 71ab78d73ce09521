// HorizontalPodAutoscalers and `kubectl top` against mcp-sim with the real kubectl, as on a
// cluster with metrics-server: the resource metrics API answers `kubectl top`, load set through
// `mcp-sim fault --cpu-load` moves the numbers, and an HPA scales its Deployment up to where each
// pod carries its share, then down to minReplicas, with `kubectl get hpa` and `kubectl describe
// hpa` showing targets, replicas, conditions and Events. The load is a simulator fault, so the
// suite runs only against mcp-sim (short sync and scrape intervals keep it quick).
import assert from "node:assert/strict";
import { test } from "node:test";
import { SETTLE, TEST_TIMEOUT, useKubeSession } from "./support/kube-session.ts";
import { manifestFile } from "./support/manifests.ts";
import { parseTable } from "./support/table.ts";
import { EXTERNAL_KUBECONFIG } from "./support/target.ts";
import { eventually } from "./support/wait.ts";

const NODES = 3;
const SIM_ONLY = { ...TEST_TIMEOUT, skip: EXTERNAL_KUBECONFIG !== undefined };

const session = useKubeSession({
  prefix: "mcp-e2e-hpa",
  nodes: NODES,
  simArgs: ["--hpa-sync-period", "1s", "--metric-resolution", "1s", "--pod-start-delay", "200ms"],
});
const { ok, inNs, rollout } = session;

/** A Deployment whose pods request 100m CPU, rolled out. */
async function deployed(name: string, replicas: number): Promise<void> {
  await inNs(["create", "deployment", name, "--image=nginx:1.25", `--replicas=${replicas}`]);
  await inNs(["set", "resources", `deployment/${name}`, "--requests=cpu=100m,memory=64Mi"]);
  assert.match(await rollout(`deployment/${name}`), /successfully rolled out/);
}

const hpaYaml = (name: string) => `apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: ${name}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: ${name}}
  minReplicas: 2
  maxReplicas: 8
  metrics:
  - type: Resource
    resource: {name: cpu, target: {type: Utilization, averageUtilization: 50}}
  behavior:
    scaleDown: {stabilizationWindowSeconds: 0}
`;

test("kubectl top pods and top nodes print usage from the metrics API", SIM_ONLY, async () => {
  await deployed("top", 2);
  const rows = await eventually(async () => {
    const r = parseTable(await inNs(["top", "pods", "-l", "app=top"]));
    assert.equal(r.length, 2, JSON.stringify(r));
    return r;
  }, SETTLE);
  for (const r of rows) {
    // Idle: about 10% of the 100m request.
    assert.match(r["CPU(cores)"], /^(9|10|11)m$/, JSON.stringify(r));
    assert.match(r["MEMORY(bytes)"], /^\d+Mi$/);
  }
  const nodes = parseTable(await ok(["top", "nodes"]));
  assert.equal(nodes.length, NODES);
  for (const n of nodes) {
    assert.match(n["CPU(cores)"], /^\d+m$/, JSON.stringify(n));
    assert.match(n["MEMORY(bytes)"], /^\d+Mi$/);
  }
  await session.target.sim!.fault("--cpu-load", `${session.ns}/top=0.5`);
  await eventually(async () => {
    for (const r of parseTable(await inNs(["top", "pods", "-l", "app=top"])))
      assert.match(r["CPU(cores)"], /^(4[5-9]|5[0-5])m$/, JSON.stringify(r));
  }, SETTLE);
  await inNs(["delete", "deployment", "top"]);
});

test("an HPA scales up to share the load, then down to minReplicas", SIM_ONLY, async () => {
  const sim = session.target.sim!;
  await deployed("web", 2);
  // 2.4 pods' worth of CPU at a 50% target: 5 pods (6 if the per-pod spread runs high).
  await sim.fault("--cpu-load", `${session.ns}/web=total:2.4`);
  await inNs(["apply", "-f", await manifestFile(session.target.workDir, "hpa-web.yaml", hpaYaml("web"))]);
  try {
    const up = await eventually(async () => {
      const [row] = parseTable(await inNs(["get", "hpa", "web"]));
      assert.match(row.REPLICAS, /^[56]$/, JSON.stringify(row));
      const m = /^cpu: (\d+)%\/50%$/.exec(row.TARGETS);
      assert.ok(m && Number(m[1]) >= 36 && Number(m[1]) <= 55, JSON.stringify(row));
      return row;
    }, SETTLE);
    assert.equal(up.REFERENCE, "Deployment/web");
    assert.equal(up.MINPODS, "2");
    assert.equal(up.MAXPODS, "8");
    // The Deployment was scaled (the spread may still move it between 5 and 6).
    const deployment = parseTable(await inNs(["get", "deployment", "web"]))[0];
    assert.match(deployment["UP-TO-DATE"], /^[56]$/, JSON.stringify(deployment));

    const described = await inNs(["describe", "hpa", "web"]);
    assert.match(described, /resource cpu on pods\s+\(as a percentage of request\):\s+\d+% \(\d+m\) \/ 50%/);
    assert.match(described, /AbleToScale\s+True\s+(ReadyForNewScale|SucceededRescale)/);
    assert.match(
      described,
      /ScalingActive\s+True\s+ValidMetricFound\s+the HPA was able to successfully calculate/,
    );
    assert.match(
      described,
      /SuccessfulRescale\s+.*horizontal-pod-autoscaler\s+New size: \d; reason: cpu resource utilization \(percentage of request\) above target/,
    );

    // Idle pods: every sync wants fewer; minReplicas holds at 2.
    await sim.fault("--cpu-load", `${session.ns}/web=0.05`);
    await eventually(async () => {
      const [row] = parseTable(await inNs(["get", "hpa", "web"]));
      assert.equal(row.REPLICAS, "2", JSON.stringify(row));
    }, SETTLE);
    const after = await inNs(["describe", "hpa", "web"]);
    assert.match(
      after,
      /ScalingLimited\s+True\s+TooFewReplicas\s+the desired replica count is less than the minimum replica count/,
    );
    assert.match(after, /SuccessfulRescale\s+.*New size: 2; reason: All metrics below target/);
  } finally {
    await sim.fault("--cpu-load", "none");
  }
});
