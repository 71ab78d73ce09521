// Pull mode through mcpctl, with the real binaries (mcp-server, mcp-sim, mcp-agent): a token from
// `mcpctl cluster token create` registers an agent whose cluster turns Ready; the spent token is
// refused to a second agent with a clear message; on a --require-approval hub the agent waits
// until `mcpctl cluster approve`; `mcpctl cluster unjoin` makes the agent exit 0. And the output
// of `mcpctl cluster agent-manifest` is accepted by kubectl and by a Kubernetes API (mcp-sim).
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestContext, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { apiClient } from "./support/api.ts";
import { AGENT_BIN, agentEndpointOf, type Proc, run, startSim } from "./support/fleet.ts";
import { type HubProcess, startHub } from "./support/hub.ts";
import { kubectl } from "./support/kubectl.ts";
import { mcpctl, mcpctlOk } from "./support/mcpctl.ts";
import { eventually } from "./support/wait.ts";

interface ClusterView {
  spec: { mode?: string; hubAcceptsClient?: boolean };
  status?: {
    kubernetesVersion?: string;
    nodes?: { total: number; ready: number };
    conditions?: { type: string; status: string }[];
  };
}
const ready = (c: ClusterView) => c.status?.conditions?.find((x) => x.type === "Ready")?.status;

interface Fleet {
  work: string;
  simOut: string;
  hub: HubProcess;
  agentUrl: string;
  cluster(name: string): Promise<ClusterView>;
  /** Starts bin/mcp-agent for a sim cluster, stopped when the test ends. */
  agent(name: string, member: string, token: string): Proc;
}

async function fleet(t: TestContext, hubArgs: string[] = []): Promise<Fleet> {
  const work = await mkdtemp(join(tmpdir(), "mcp-e2e-pull-"));
  t.after(() => rm(work, { recursive: true, force: true }));
  const simOut = join(work, "sim");
  const sim = await startSim(simOut, 2, 2);
  t.after(() => sim.stop());
  const hub = await startHub({ args: hubArgs });
  t.after(() => hub.close());
  const agentUrl = agentEndpointOf(hub.output().stdout);
  const procs: Proc[] = [];
  t.after(async () => {
    for (const p of procs) await p.stop();
  });
  return {
    work,
    simOut,
    hub,
    agentUrl,
    async cluster(name) {
      return JSON.parse(
        await mcpctlOk(hub.kubeconfigPath, ["get", "cluster", name, "-o", "json"]),
      ) as ClusterView;
    },
    agent(name, member, token) {
      const p = run(AGENT_BIN, [
        ...["--hub", agentUrl, "--hub-ca", hub.caPath, "--cluster-name", name, "--bootstrap-token", token],
        ...["--kubeconfig", join(simOut, `${member}.kubeconfig`), "--state-dir", join(work, `state-${name}`)],
      ]);
      procs.push(p);
      return p;
    },
  };
}

test("token create → mcp-agent → Ready; the spent token is refused; unjoin stops the agent", {
  timeout: 120_000,
}, async (t) => {
  const f = await fleet(t);
  const kc = f.hub.kubeconfigPath;
  const created = await mcpctl(kc, ["cluster", "token", "create", "--ttl", "10m", "--hub-url", f.agentUrl]);
  assert.equal(created.code, 0, created.stderr);
  const token = created.stdout.trim();
  assert.equal(created.stdout, `${token}\n`, "stdout is the token alone");
  assert.ok(
    created.stderr.includes(
      `mcp-agent --hub ${f.agentUrl} --hub-ca ${f.hub.caPath} --bootstrap-token ${token} `,
    ),
    created.stderr,
  );

  const started = Date.now();
  const agent = f.agent("pull-1", "sim-001", token);
  const c = await eventually(
    async () => {
      const c = await f.cluster("pull-1");
      assert.equal(ready(c), "True");
      return c;
    },
    { timeoutMs: 10_000, intervalMs: 200, what: `pull-1 Ready\n${agent.output().stderr}` },
  );
  t.diagnostic(`pull-1 Ready ${Date.now() - started} ms after the agent started`);
  assert.equal(c.spec.mode, "Pull");
  assert.deepEqual(c.status?.nodes, { total: 2, ready: 2 });
  assert.match(c.status?.kubernetesVersion ?? "", /^v1\.\d+\.\d+$/);
  assert.match(await mcpctlOk(kc, ["get", "clusters"]), /\npull-1 +Pull +True +v1\.\d+\.\d+ +2\/2 /);

  // The same token again, for another cluster: refused, and the agent says why.
  const second = f.agent("pull-2", "sim-002", token);
  assert.equal(await second.exited, 1);
  assert.match(second.output().stderr, /registration refused: bootstrap token already used or expired/);
  assert.equal((await mcpctl(kc, ["get", "cluster", "pull-2"])).code, 1, "no Cluster for the refused agent");

  const unjoined = await mcpctl(kc, ["cluster", "unjoin", "pull-1", "--wait"]);
  assert.deepEqual([unjoined.code, unjoined.stdout], [0, "cluster.mcp.platform/pull-1 unjoined\n"]);
  assert.equal(await agent.exited, 0, agent.output().stderr);
  assert.ok(!existsSync(join(f.work, "state-pull-1", "pull-1", "credential.json")), "credential forgotten");
});

test("--require-approval: the agent connects but the cluster is not Ready until mcpctl cluster approve", {
  timeout: 120_000,
}, async (t) => {
  const f = await fleet(t, ["--require-approval"]);
  const kc = f.hub.kubeconfigPath;
  const token = (await mcpctlOk(kc, ["cluster", "token", "create", "--hub-url", f.agentUrl])).trim();
  const agent = f.agent("gated", "sim-001", token);
  await eventually(async () => assert.equal((await f.cluster("gated")).spec.hubAcceptsClient, false), {
    timeoutMs: 10_000,
    what: "the gated Cluster registered",
  });
  await eventually(
    async () => assert.match(agent.output().stderr, /waiting for the hub to approve this cluster/),
    {
      timeoutMs: 10_000,
      what: "the agent connected and waiting",
    },
  );
  // Connected and waiting: still not Ready a while later.
  await new Promise((r) => setTimeout(r, 2000));
  assert.notEqual(ready(await f.cluster("gated")), "True");
  assert.match(await mcpctlOk(kc, ["get", "clusters"]), /\ngated +Pull +Unknown /);

  assert.equal(await mcpctlOk(kc, ["cluster", "approve", "gated"]), "cluster.mcp.platform/gated approved\n");
  await eventually(async () => assert.equal(ready(await f.cluster("gated")), "True"), {
    timeoutMs: 10_000,
    what: "gated Ready after approval",
  });
  assert.equal(agent.child.exitCode, null, "the same agent, never restarted");

  await mcpctlOk(kc, ["cluster", "unjoin", "gated"]);
  assert.equal(await agent.exited, 0, agent.output().stderr);
});

test("agent-manifest output is accepted by kubectl and by a Kubernetes API server", {
  timeout: 120_000,
}, async (t) => {
  const f = await fleet(t);
  const r = await mcpctl(f.hub.kubeconfigPath, [
    "cluster",
    "agent-manifest",
    "edge-1",
    "--hub-url",
    "https://hub.example.com:6444",
  ]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^Created a bootstrap token for edge-1/);
  const kinds = parseAllDocuments(r.stdout).map((d) => (d.toJS() as { kind: string }).kind);
  assert.equal(kinds.length, 7);
  const memberKc = join(f.simOut, "sim-002.kubeconfig");
  const dry = await kubectl(["apply", "--dry-run=client", "-f", "-"], {
    kubeconfig: memberKc,
    input: r.stdout,
  });
  assert.equal(dry.code, 0, dry.stderr);
  assert.equal(dry.stdout.trim().split("\n").length, 7, dry.stdout);
  const applied = await kubectl(["apply", "-f", "-"], { kubeconfig: memberKc, input: r.stdout });
  assert.equal(applied.code, 0, applied.stderr);
  assert.match(applied.stdout, /deployment\.apps\/mcp-agent created/);
  const dep = await kubectl(
    [
      "get",
      "deployment",
      "mcp-agent",
      "-n",
      "mcp-system",
      "-o",
      "jsonpath={.spec.template.spec.containers[0].env[0].value}",
    ],
    {
      kubeconfig: memberKc,
    },
  );
  assert.equal(dep.stdout, "https://hub.example.com:6444");
});

// A cluster awaiting approval has a connected agent that is told to stay quiet: its silence must
// not turn it Unknown.
test("a cluster awaiting approval is not reported as silent", {
  timeout: 120_000,
}, async (t) => {
  const f = await fleet(t, ["--require-approval"]);
  const kc = f.hub.kubeconfigPath;
  const token = (await mcpctlOk(kc, ["cluster", "token", "create", "--hub-url", f.agentUrl])).trim();
  const agent = f.agent("waiting", "sim-001", token);
  await eventually(async () => assert.match(agent.output().stderr, /waiting for the hub to approve/), {
    timeoutMs: 10_000,
    what: "the agent waiting for approval",
  });
  const api = await apiClient(kc);
  const patched = await api.request("PATCH", "/apis/mcp.platform/v1/clusters/waiting", {
    body: { spec: { syncInterval: "1s" } },
    contentType: "application/merge-patch+json",
  });
  assert.equal(patched.status, 200, patched.text);
  await new Promise((r) => setTimeout(r, 5000));
  const c = await f.cluster("waiting");
  const readyCond = c.status?.conditions?.find((x) => x.type === "Ready") as { reason?: string } | undefined;
  assert.notEqual(readyCond?.reason, "ClusterStatusUnknown", JSON.stringify(c.status));
  const described = await mcpctlOk(kc, ["describe", "cluster", "waiting"]);
  assert.doesNotMatch(described, /no heartbeat for/, described);
});
