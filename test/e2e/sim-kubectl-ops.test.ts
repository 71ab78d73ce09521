// Day-two kubectl against a simulated cluster: the commands an operator reaches for after the
// first deploy — logs, events (get and describe), auth can-i / whoami, autoscale, evictions that
// honour a PodDisruptionBudget, and `kubectl drain` itself (what node upgrades rely on). Portable
// like sim-kubectl.test.ts: with MCP_E2E_KUBECONFIG set they run against that cluster, in a
// unique namespace, touching nothing outside it (so the drain, which cordons a node and evicts
// every namespace's pods from it, runs against the simulator only).
import assert from "node:assert/strict";
import { test } from "node:test";
import { SETTLE, TEST_TIMEOUT, useKubeSession } from "./support/kube-session.ts";
import { manifestFile } from "./support/manifests.ts";
import { parseTable } from "./support/table.ts";
import { EXTERNAL_KUBECONFIG } from "./support/target.ts";
import { eventually } from "./support/wait.ts";
import { isLive, isReady } from "./support/workloads.ts";

const session = useKubeSession({ prefix: "mcp-e2e-ops", nodes: 3 });
const { ok, k, inNs, rollout, pods } = session;

/** A Deployment of nginx that has rolled out. */
async function deployed(name: string, replicas: number): Promise<void> {
  await inNs(["create", "deployment", name, "--image=nginx:1.25", `--replicas=${replicas}`]);
  assert.match(await rollout(`deployment/${name}`), /successfully rolled out/);
}

/** POSTs a policy/v1 Eviction for the pod, as `kubectl drain` does. */
async function evict(pod: string) {
  const body = JSON.stringify({
    apiVersion: "policy/v1",
    kind: "Eviction",
    metadata: { name: pod, namespace: session.ns },
  });
  const file = await manifestFile(session.target.workDir, `evict-${pod}.json`, body);
  return k(["create", "--raw", `/api/v1/namespaces/${session.ns}/pods/${pod}/eviction`, "-f", file]);
}

test("kubectl logs of a running pod succeeds", TEST_TIMEOUT, async () => {
  await deployed("logs", 1);
  const r = await k(["-n", session.ns, "logs", "deployment/logs"]);
  assert.equal(r.code, 0, r.stderr);
});

test(
  "kubectl get events: the Deployment scaled its ReplicaSet and the pods were scheduled",
  TEST_TIMEOUT,
  async () => {
    await deployed("evented", 2);
    await eventually(async () => {
      const events: { reason: string; involvedObject: { kind: string; name: string } }[] = JSON.parse(
        await inNs(["get", "events", "-o", "json"]),
      ).items;
      const seen = events.map((e) => `${e.involvedObject.kind}/${e.reason}`);
      assert.ok(seen.includes("Deployment/ScalingReplicaSet"), `events: [${seen.join(", ")}]`);
      assert.ok(seen.includes("ReplicaSet/SuccessfulCreate"), `events: [${seen.join(", ")}]`);
      assert.ok(seen.includes("Pod/Scheduled"), `events: [${seen.join(", ")}]`);
      assert.ok(seen.includes("Pod/Started"), `events: [${seen.join(", ")}]`);
    }, SETTLE);
    // The human table, and the Events section of kubectl describe.
    assert.match(
      await inNs(["get", "events"]),
      /ScalingReplicaSet\s+deployment\/evented\s+Scaled up replica set evented-\w+ from 0 to 2/,
    );
    const [pod] = (await pods("app=evented")).filter(isLive);
    const described = await inNs(["describe", "pod", pod.metadata.name]);
    assert.match(described, /Events:/);
    assert.match(
      described,
      new RegExp(
        `Scheduled\\s+\\S+\\s+default-scheduler\\s+Successfully assigned ${session.ns}/${pod.metadata.name} to ${pod.spec.nodeName}`,
      ),
    );
    assert.match(described, /Started\s+.*\s+kubelet\s+Started container/);
  },
);

test("kubectl auth can-i and auth whoami answer", async () => {
  assert.equal((await inNs(["auth", "can-i", "create", "deployments.apps"])).trim(), "yes");
  assert.match(await ok(["auth", "whoami"]), /Username/);
});

test("kubectl autoscale creates a HorizontalPodAutoscaler", TEST_TIMEOUT, async () => {
  await deployed("scaled", 1);
  const out = await inNs(["autoscale", "deployment/scaled", "--min=1", "--max=3", "--cpu-percent=80"]);
  assert.match(out, /horizontalpodautoscaler\.autoscaling\/scaled autoscaled/);
  const row = parseTable(await inNs(["get", "hpa", "scaled"]))[0];
  assert.equal(row.REFERENCE, "Deployment/scaled");
  assert.match(row.TARGETS, /^cpu: (<unknown>|\d+%)\/80%$/);
  assert.equal(row.MINPODS, "1");
  assert.equal(row.MAXPODS, "3");
  // Created as autoscaling/v1, stored and served as v2 too.
  const v2 = JSON.parse(
    await inNs(["get", "horizontalpodautoscalers.v2.autoscaling", "scaled", "-o", "json"]),
  );
  assert.equal(v2.spec.metrics[0].resource.target.averageUtilization, 80);
});

test("a PodDisruptionBudget counts healthy pods, and evictions honour it", TEST_TIMEOUT, async () => {
  await deployed("guarded", 2);
  await inNs(["create", "poddisruptionbudget", "guarded", "--selector=app=guarded", "--min-available=1"]);
  const pdbStatus = async () => JSON.parse(await inNs(["get", "pdb", "guarded", "-o", "json"])).status ?? {};
  await eventually(async () => {
    const s = await pdbStatus();
    assert.equal(s.expectedPods, 2, `status: ${JSON.stringify(s)}`);
    assert.equal(s.currentHealthy, 2, `status: ${JSON.stringify(s)}`);
    assert.equal(s.disruptionsAllowed, 1, `status: ${JSON.stringify(s)}`);
  }, SETTLE);
  assert.equal(parseTable(await inNs(["get", "pdb", "guarded"]))[0]["ALLOWED DISRUPTIONS"], "1");

  // One disruption is allowed: the eviction deletes the pod and the ReplicaSet replaces it.
  const [victim] = (await pods("app=guarded")).filter(isLive);
  const allowed = await evict(victim.metadata.name);
  assert.equal(allowed.code, 0, allowed.stderr);
  await eventually(async () => {
    const live = (await pods("app=guarded")).filter(isLive);
    assert.ok(!live.some((p) => p.metadata.name === victim.metadata.name), "the evicted pod is gone");
    assert.equal(live.filter(isReady).length, 2);
  }, SETTLE);

  // With every pod required, the budget refuses: 429, as kubectl drain reports and retries.
  await inNs(["patch", "pdb", "guarded", "--type=merge", "-p", '{"spec":{"minAvailable":2}}']);
  await eventually(async () => assert.equal((await pdbStatus()).disruptionsAllowed, 0), SETTLE);
  const [next] = (await pods("app=guarded")).filter(isLive);
  const refused = await evict(next.metadata.name);
  assert.notEqual(refused.code, 0, refused.stdout);
  assert.match(refused.stderr, /TooManyRequests|disruption budget/);
  assert.ok((await pods("app=guarded")).some((p) => p.metadata.name === next.metadata.name && isLive(p)));
  // A budget that refuses every eviction would hold up any later drain of these nodes.
  await inNs(["delete", "pdb", "guarded"]);
});

// Draining touches a node (and every namespace's pods on it), so only the simulator runs it.
test("kubectl drain cordons a node and evicts its pods within their budget", {
  ...TEST_TIMEOUT,
  skip: EXTERNAL_KUBECONFIG !== undefined,
}, async () => {
  await deployed("drained", 2);
  await inNs(["create", "poddisruptionbudget", "drained", "--selector=app=drained", "--max-unavailable=1"]);
  await eventually(async () => {
    const s = JSON.parse(await inNs(["get", "pdb", "drained", "-o", "json"])).status ?? {};
    assert.equal(s.disruptionsAllowed, 1, `status: ${JSON.stringify(s)}`);
  }, SETTLE);
  const [pod] = (await pods("app=drained")).filter(isLive);
  const node = pod.spec.nodeName!;
  try {
    const drain = await k(
      ["drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=90s"],
      120_000,
    );
    assert.equal(drain.code, 0, drain.stderr);
    assert.match(drain.stdout, new RegExp(`node/${node} cordoned`));
    assert.match(drain.stdout, new RegExp(`pod/${pod.metadata.name} evicted`));
    assert.match(drain.stdout, new RegExp(`node/${node} drained`));
    assert.equal(JSON.parse(await ok(["get", "node", node, "-o", "json"])).spec.unschedulable, true);
    await eventually(async () => {
      const live = (await pods("app=drained")).filter(isLive);
      assert.ok(
        live.every((p) => p.spec.nodeName !== node),
        "nothing runs on the drained node",
      );
      assert.equal(live.filter(isReady).length, 2);
    }, SETTLE);
  } finally {
    await ok(["uncordon", node]);
  }
});
