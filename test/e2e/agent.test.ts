// The fleet view end to end, with the real binaries: mcp-server, three mcp-sim clusters and three
// mcp-agent processes. Clusters become Ready, a stopped agent's cluster turns Unknown within
// 3 × syncInterval and comes back when it restarts, a SIGKILLed hub gets every agent back without
// anyone touching them, no credential shows up in API output, logs, kubectl -o yaml or the
// database file, and an unjoined cluster's agent stops cleanly.
import assert from "node:assert/strict";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { apiClient } from "./support/api.ts";
import { AGENT_BIN, agentEndpointOf, type Proc, rssMiB, run, startSim } from "./support/fleet.ts";
import { type HubProcess, startHub } from "./support/hub.ts";
import { kubectl } from "./support/kubectl.ts";
import { eventually } from "./support/wait.ts";

const NAMES = ["sim-001", "sim-002", "sim-003"];
const CLUSTERS = "/apis/mcp.platform/v1/clusters";
const SYNC_INTERVAL_MS = 1000;

interface ClusterView {
  metadata: { name: string; labels?: Record<string, string> };
  status?: {
    nodes?: { total: number; ready: number };
    kubernetesVersion?: string;
    lastHeartbeatTime?: string;
    conditions?: { type: string; status: string }[];
  };
}

const ready = (c: ClusterView | undefined) => c?.status?.conditions?.find((x) => x.type === "Ready")?.status;

test("hub + 3 simulated clusters + 3 agents: Ready, Unknown when an agent stops, back after restarts", {
  timeout: 240_000,
}, async (t) => {
  const work = await mkdtemp(join(tmpdir(), "mcp-e2e-agent-"));
  t.after(() => rm(work, { recursive: true, force: true }));
  const sim = await startSim(join(work, "sim"), 3, 2);
  t.after(() => sim.stop());
  const dataDir = join(work, "hub");
  const hubs: HubProcess[] = [await startHub({ dataDir, args: ["--log-level", "info"] })];
  const hub = () => hubs[hubs.length - 1];
  t.after(() => hub().close());
  const agentUrl = agentEndpointOf(hub().output().stdout);
  const api = await apiClient(hub().kubeconfigPath);

  const clusters = async (): Promise<Map<string, ClusterView>> => {
    const res = await api.request("GET", CLUSTERS);
    assert.equal(res.status, 200, res.text);
    return new Map(res.json<{ items: ClusterView[] }>().items.map((c) => [c.metadata.name, c]));
  };
  const tokens: string[] = [];
  for (const _ of NAMES) {
    const res = await api.request("POST", "/apis/mcp.platform/v1/bootstraptokens", {
      body: { apiVersion: "mcp.platform/v1", kind: "BootstrapToken", spec: { ttl: "10m" } },
    });
    assert.equal(res.status, 201, res.text);
    tokens.push(res.json<{ status: { token: string } }>().status.token);
  }

  const stateDir = join(work, "agents");
  const agents = new Map<string, Proc>();
  const agentLogs: string[] = [];
  const startAgent = (name: string, token?: string) => {
    const p = run(AGENT_BIN, [
      ...["--hub", agentUrl, "--hub-ca", hub().caPath, "--cluster-name", name],
      ...["--kubeconfig", join(work, "sim", `${name}.kubeconfig`), "--state-dir", stateDir],
      ...["--labels", `region=r${name.slice(-1)},env=e2e`],
      ...(token ? ["--bootstrap-token", token] : []),
    ]);
    agents.set(name, p);
    return p;
  };
  t.after(async () => {
    for (const p of agents.values()) await p.stop();
  });
  const describeAgents = () =>
    [...agents].map(([n, p]) => `--- ${n}\n${p.output().stderr.slice(-2000)}`).join("\n");

  // 1. Register and report: all Ready within 10 s.
  const started = Date.now();
  for (const [i, name] of NAMES.entries()) startAgent(name, tokens[i]);
  const first = await eventually(
    async () => {
      const all = await clusters();
      for (const n of NAMES) assert.equal(ready(all.get(n)), "True", `${n} Ready\n${describeAgents()}`);
      return all;
    },
    { timeoutMs: 10_000, intervalMs: 100, what: "all clusters Ready" },
  );
  t.diagnostic(`all 3 clusters Ready ${Date.now() - started} ms after the agents started`);
  for (const n of NAMES) {
    const c = first.get(n)!;
    assert.deepEqual(c.status?.nodes, { total: 2, ready: 2 }, `${n} nodes from the real collector`);
    assert.match(c.status?.kubernetesVersion ?? "", /^v1\.\d+\.\d+/);
    assert.equal(c.metadata.labels?.env, "e2e");
  }

  // A short syncInterval for the health checks below (reaches the agents as a new Welcome).
  for (const n of NAMES) {
    const res = await api.request("PATCH", `${CLUSTERS}/${n}`, {
      body: { spec: { syncInterval: `${SYNC_INTERVAL_MS / 1000}s` } },
      contentType: "application/merge-patch+json",
    });
    assert.equal(res.status, 200, res.text);
  }
  await new Promise((r) => setTimeout(r, 2 * SYNC_INTERVAL_MS));

  // 2. Stop one agent: its cluster turns Unknown (after 3 missed heartbeats; the time is reported,
  // not asserted: the machine is shared), and the others stay Ready.
  const stoppedAt = Date.now();
  assert.equal(await agents.get("sim-002")!.stop(), 0, "SIGTERM is a clean exit");
  await eventually(async () => assert.equal(ready((await clusters()).get("sim-002")), "Unknown"), {
    timeoutMs: 10 * SYNC_INTERVAL_MS,
    intervalMs: 50,
    what: "sim-002 Unknown",
  });
  t.diagnostic(`sim-002 Unknown ${Date.now() - stoppedAt} ms after its agent stopped`);
  // The others keep reporting (a heartbeat a loaded machine delayed past 3 intervals would make
  // one Unknown for a moment; it is Ready again at the next one).
  await eventually(
    async () => {
      const during = await clusters();
      assert.equal(ready(during.get("sim-001")), "True");
      assert.equal(ready(during.get("sim-003")), "True");
    },
    { timeoutMs: 10_000, what: "sim-001 and sim-003 Ready while sim-002's agent is stopped" },
  );

  // 3. Restart it (no bootstrap token: it reuses its stored credential): Ready again.
  startAgent("sim-002");
  await eventually(async () => assert.equal(ready((await clusters()).get("sim-002")), "True"), {
    timeoutMs: 10_000,
    what: "sim-002 Ready after its agent restarted",
  });

  // 4. SIGKILL the hub and start it again on the same data dir and ports: every agent is back.
  const pids = NAMES.map((n) => agents.get(n)!.child.pid);
  const old = hub();
  old.child.kill("SIGKILL");
  await old.exited;
  const agentPort = new URL(agentUrl).port;
  hubs.push(
    await startHub({
      dataDir,
      listen: `127.0.0.1:${old.port}`,
      args: ["--log-level", "info", "--agent-listen", `127.0.0.1:${agentPort}`],
    }),
  );
  const restartedAt = new Date().toISOString();
  await eventually(
    async () => {
      const all = await clusters();
      for (const n of NAMES) {
        assert.equal(ready(all.get(n)), "True", n);
        assert.ok(
          (all.get(n)?.status?.lastHeartbeatTime ?? "") > restartedAt,
          `${n} heartbeat after restart`,
        );
      }
    },
    { timeoutMs: 30_000, intervalMs: 200, what: `every cluster reporting again\n${describeAgents()}` },
  );
  t.diagnostic(`all clusters reporting ${Date.now() - Date.parse(restartedAt)} ms after the hub restarted`);
  assert.deepEqual(
    NAMES.map((n) => agents.get(n)!.child.pid),
    pids,
    "the same agent processes, nobody restarted them",
  );
  for (const n of NAMES) assert.equal(agents.get(n)!.child.exitCode, null, `${n} still running`);
  for (const n of NAMES) t.diagnostic(`${n} agent RSS ${await rssMiB(agents.get(n)!.child.pid!)} MiB`);

  // 5. Credentials never show: not in API responses, kubectl -o yaml, logs, the audit log or the database.
  const credentials = await Promise.all(
    NAMES.map(async (n) => {
      const stored = JSON.parse(await readFile(join(stateDir, n, "credential.json"), "utf8")) as {
        credential: string;
      };
      return stored.credential;
    }),
  );
  const yaml = await kubectl(["get", "clusters.mcp.platform", "-o", "yaml"], {
    kubeconfig: hub().kubeconfigPath,
  });
  assert.equal(yaml.code, 0, yaml.stderr);
  for (const p of agents.values()) agentLogs.push(p.output().stdout, p.output().stderr);
  const places: Record<string, string> = {
    "API list": (await api.request("GET", CLUSTERS)).text,
    "kubectl -o yaml": yaml.stdout,
    "hub output": hubs.map((h) => h.output().stdout + h.output().stderr).join("\n"),
    "agent logs": agentLogs.join("\n"),
    "audit log": await readFile(hub().auditLogPath, "utf8"),
    database: (await readFile(join(dataDir, "mcp.db"))).toString("latin1"),
  };
  for (const secret of [...credentials, ...tokens])
    for (const [where, text] of Object.entries(places))
      assert.ok(!text.includes(secret), `a credential appeared in the ${where}`);

  // 6. Unjoin (delete the Cluster): the agent is told Goodbye, forgets its credential, exits 0.
  assert.equal((await api.request("DELETE", `${CLUSTERS}/sim-003`)).status, 200);
  assert.equal(await agents.get("sim-003")!.exited, 0);
  await assert.rejects(readFile(join(stateDir, "sim-003", "credential.json")), { code: "ENOENT" });
});
