// Pull sync over a real agent endpoint, spoken raw by fake agents: what a stream is sent at its
// start (full, or the delta above the agent's revision), what each Work change sends, how acks
// land on Work.status, and how two clusters' acks add up on the binding and the template.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { HubClient } from "../../agent/hub-client.ts";
import type { HubMessage, WorkUpdate } from "../../apis/agent/v1/protocol.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import { manifestId, manifestRevision } from "../../propagation/identity.ts";
import { issueBootstrapToken } from "../agent-endpoint/bootstrap-token.ts";
import { startTestEndpoint, type TestEndpoint } from "../agent-endpoint/testing.ts";
import { eventually } from "../clusters/testing.ts";
import { configMap, deployment, type Harness, startHarness } from "./propagation-testing.ts";
import { bindingRefOf } from "./scheduler-bindings.ts";
import { type ManifestStatus, workSpec, workStatus } from "./work-object.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A fake agent: one stream, the Work updates it got, and acks it sends. */
function fakeAgent(client: HubClient, credential: string) {
  const call = client.connect(credential);
  const updates: WorkUpdate[] = [];
  call.on("data", (m: HubMessage) => {
    if (m.body === "work") updates.push(m.work);
  });
  call.on("error", () => {});
  return {
    updates,
    hello: (cluster_name: string, acked_revision: number) =>
      call.write({ hello: { cluster_name, agent_version: "test", acked_revision } }),
    ack: (revision: number, statuses: ManifestStatus[], error = "") =>
      call.write({ work_ack: { revision, manifest_statuses_json: JSON.stringify(statuses), error } }),
    async update(n: number): Promise<WorkUpdate> {
      const deadline = Date.now() + 5000;
      while (updates.length < n) {
        if (Date.now() > deadline) throw new Error(`waited for update ${n}; got ${JSON.stringify(updates)}`);
        await sleep(10);
      }
      return updates[n - 1];
    },
    close: () => call.end(),
  };
}

const names = (u: WorkUpdate) => ({
  revision: u.revision,
  full: u.full,
  manifests: (JSON.parse(u.manifests_json) as KubeObject[]).map((m) => m.metadata.name).sort(),
  deletions: (JSON.parse(u.deletions_json) as { name: string }[]).map((d) => d.name),
});

/** What an agent reports for manifests it applied, with the replicas it sees ready. */
function statusesOf(u: WorkUpdate, ready?: number): ManifestStatus[] {
  return (JSON.parse(u.manifests_json) as KubeObject[]).map((m) => {
    const replicas = (m.spec as { replicas?: number } | undefined)?.replicas;
    return {
      identifier: manifestId(m),
      revision: manifestRevision(m),
      applied: true,
      health: "Healthy",
      ...(replicas !== undefined
        ? {
            replicas,
            readyReplicas: ready ?? replicas,
            availableReplicas: ready ?? replicas,
            updatedReplicas: ready ?? replicas,
          }
        : {}),
    };
  });
}

async function setup(
  t: Parameters<typeof startTestEndpoint>[0],
  opts: { maxUpdateBytes?: number; revisionBudgetBytes?: number } = {},
): Promise<{ ep: TestEndpoint; h: Harness }> {
  const ep = await startTestEndpoint(t);
  const h = await startHarness(t, { store: ep.store, client: ep.client, metrics: ep.metrics, ...opts });
  ep.endpoint.extend(h.propagation.pull);
  return { ep, h };
}

async function register(ep: TestEndpoint, name: string): Promise<string> {
  const { token } = await issueBootstrapToken(ep.store);
  const res = await ep
    .hubClient()
    .register(token, { cluster_name: name, labels: {}, kubernetes_version: "", agent_version: "test" }, 5000);
  return res.credential;
}

test("an agent with nothing gets the whole Work, then each change as a delta; its acks become Work.status", async (t) => {
  const { ep, h } = await setup(t);
  const cred = await register(ep, "c1");
  const a = await h.create(configMap("a", { v: "1" }));
  const b = await h.create(configMap("b", { v: "1" }));
  await h.bind(a, { clusters: [{ name: "c1" }] });
  await h.bind(b, { clusters: [{ name: "c1" }] });
  await h.settle();

  const agent = fakeAgent(ep.hubClient(), cred);
  agent.hello("c1", 0);
  assert.deepEqual(names(await agent.update(1)), {
    revision: 1,
    full: true,
    manifests: ["a", "b"],
    deletions: [],
  });

  await h.change(a, (o) => Object.assign(o.data as object, { v: "2" }));
  const second = await agent.update(2);
  assert.deepEqual(names(second), { revision: 2, full: false, manifests: ["a"], deletions: [] });
  assert.deepEqual((JSON.parse(second.manifests_json) as KubeObject[])[0].data, { v: "2" });

  agent.ack(2, [
    ...statusesOf(agent.updates[0]).filter((s) => s.identifier.name === "b"),
    ...statusesOf(second),
  ]);
  const w = await eventually(
    () => h.work("c1"),
    (w) => workStatus(w).appliedRevision === 2,
  );
  const status = workStatus(w);
  assert.deepEqual(
    status.manifestStatuses?.map((s) => [s.identifier.name, s.revision, s.applied]),
    [
      ["a", 2, true],
      ["b", 1, true],
    ],
  );
  assert.equal(status.conditions?.find((c) => c.type === "Applied")?.status, "True");
  assert.equal(status.conditions?.find((c) => c.type === "Available")?.status, "True");
  assert.ok(status.lastAppliedTime);
  assert.match(await ep.metrics.getSingleMetricAsString("mcp_propagation_latency_seconds"), /_count 2/);
  assert.match(await ep.metrics.getSingleMetricAsString("mcp_work_backlog"), /mcp_work_backlog 0/);

  // An ack for a revision this stream was never sent is refused.
  agent.ack(7, []);
  await sleep(200);
  assert.equal(workStatus(await h.work("c1")).appliedRevision, 2);

  // An unchanged ack (the agent's periodic resync) writes nothing.
  const rv = (await h.work("c1"))!.metadata.resourceVersion;
  agent.ack(2, [
    ...statusesOf(agent.updates[0]).filter((s) => s.identifier.name === "b"),
    ...statusesOf(second),
  ]);
  await sleep(200);
  assert.equal((await h.work("c1"))!.metadata.resourceVersion, rv);
  agent.close();
});

test("a reconnect resumes above the acknowledged revision: exactly the delta, nothing, or everything", async (t) => {
  const { ep, h } = await setup(t);
  const cred = await register(ep, "c1");
  const [a, b, c] = await Promise.all(["a", "b", "c"].map((n) => h.create(configMap(n, { v: "1" }))));
  for (const x of [a, b, c]) await h.bind(x, { clusters: [{ name: "c1" }] });
  await h.settle();
  await h.change(a, (o) => Object.assign(o.data as object, { v: "2" }));
  await h.settle();
  await h.change(b, (o) => Object.assign(o.data as object, { v: "3" }));
  await h.client.delete(bindingRefOf("shop", "c-configmap"));
  await h.settle();
  assert.equal(workSpec((await h.work("c1"))!).revision, 3);

  const at2 = fakeAgent(ep.hubClient(), cred);
  at2.hello("c1", 2);
  assert.deepEqual(names(await at2.update(1)), {
    revision: 3,
    full: false,
    manifests: ["b"],
    deletions: ["c"],
  });
  at2.close();
  await sleep(50);

  const at3 = fakeAgent(ep.hubClient(), cred);
  at3.hello("c1", 3);
  await sleep(300);
  assert.equal(at3.updates.length, 0, "up to date: nothing is sent");
  at3.close();
  await sleep(50);

  const ahead = fakeAgent(ep.hubClient(), cred);
  ahead.hello("c1", 40); // it had a revision this Work never reached: the Work was recreated
  assert.deepEqual(names(await ahead.update(1)), {
    revision: 3,
    full: true,
    manifests: ["a", "b"],
    deletions: ["c"],
  });
  ahead.close();
});

test("two clusters' acks add up on the binding's aggregatedStatus and the Deployment's status", async (t) => {
  const { ep, h } = await setup(t);
  const creds = { east1: await register(ep, "east-1"), east2: await register(ep, "east-2") };
  const web = await h.create(deployment("web", "shop", 6));
  await h.bind(web, {
    clusters: [
      { name: "east-1", replicas: 4 },
      { name: "east-2", replicas: 2 },
    ],
    replicas: 6,
  });
  await h.settle();
  const e1 = fakeAgent(ep.hubClient(), creds.east1);
  const e2 = fakeAgent(ep.hubClient(), creds.east2);
  e1.hello("east-1", 0);
  e2.hello("east-2", 0);
  const u1 = await e1.update(1);
  const u2 = await e2.update(1);
  e1.ack(u1.revision, statusesOf(u1, 3)); // 3 of 4 ready so far
  e2.ack(u2.revision, statusesOf(u2));

  const ref = bindingRefOf("shop", "web-deployment");
  type Entry = { cluster: string; applied?: boolean; readyReplicas?: number };
  const binding = await eventually(
    () => h.client.get(ref),
    (b) => ((b?.status as { aggregatedStatus?: Entry[] })?.aggregatedStatus ?? []).every((e) => e.applied),
  );
  const bs = binding!.status as { aggregatedStatus: Entry[]; conditions: { type: string; status: string }[] };
  assert.deepEqual(
    bs.aggregatedStatus.map((e) => [e.cluster, e.readyReplicas]),
    [
      ["east-1", 3],
      ["east-2", 2],
    ],
  );
  assert.equal(bs.conditions.find((c) => c.type === "FullyApplied")?.status, "True");
  const template = await eventually(
    () => h.client.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" }),
    (d) => (d?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 5,
  );
  assert.deepEqual(template!.status, {
    observedGeneration: template!.metadata.generation,
    replicas: 6,
    readyReplicas: 5,
    availableReplicas: 5,
    updatedReplicas: 5,
  });

  e1.ack(u1.revision, statusesOf(u1));
  await eventually(
    () => h.client.get({ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "web" }),
    (d) => (d?.status as { readyReplicas?: number } | undefined)?.readyReplicas === 6,
  );
  e1.close();
  e2.close();
});

test("a Work too big for one update reaches an empty agent as several, each a revision it can resume from", async (t) => {
  const { ep, h } = await setup(t, { maxUpdateBytes: 1000, revisionBudgetBytes: 600 });
  const cred = await register(ep, "c1");
  for (const n of ["a", "b", "c"]) {
    const cm = await h.create(configMap(n, { blob: n.repeat(400) }));
    await h.bind(cm, { clusters: [{ name: "c1" }] });
  }
  await h.settle();
  const spec = workSpec((await h.work("c1"))!);
  assert.deepEqual(
    spec.manifests.map((m) => manifestRevision(m)),
    [1, 2, 3],
    "one manifest per revision under a 600-byte budget",
  );
  const agent = fakeAgent(ep.hubClient(), cred);
  agent.hello("c1", 0);
  await agent.update(3);
  await sleep(100);
  assert.deepEqual(agent.updates.map(names), [
    { revision: 1, full: false, manifests: ["a"], deletions: [] },
    { revision: 2, full: false, manifests: ["b"], deletions: [] },
    { revision: 3, full: false, manifests: ["c"], deletions: [] },
  ]);
  for (const u of agent.updates) assert.ok(u.manifests_json.length + u.deletions_json.length <= 1000);
  agent.ack(2, statusesOf(agent.updates[0]));
  await eventually(
    () => h.work("c1"),
    (w) => workStatus(w).appliedRevision === 2,
  );
  agent.close();
});
