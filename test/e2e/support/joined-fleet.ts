// A whole fleet for end-to-end tests, with the real binaries: mcp-server, one mcp-sim process
// serving N clusters, and one mcp-agent per cluster registered with a bootstrap token (and
// labels), all Ready before the test starts. The hub can be SIGKILLed and restarted on the same
// data directory and ports; agents keep running and reconnect by themselves.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { TestContext } from "node:test";
import { type ApiClient, apiClient } from "./api.ts";
import { AGENT_BIN, agentEndpointOf, type Proc, run, simFault, startSim } from "./fleet.ts";
import { type HubProcess, startHub } from "./hub.ts";
import { mcpctlOk } from "./mcpctl.ts";
import { eventually } from "./wait.ts";

export interface FleetMember {
  name: string;
  labels?: Record<string, string>;
  /** Push: joined with `mcpctl cluster join` (the hub reaches the member); default Pull (an agent). */
  mode?: "Push" | "Pull";
}

export interface JoinedFleet {
  work: string;
  hub(): HubProcess;
  api(): ApiClient;
  agentUrl: string;
  sim: Proc;
  agents: Map<string, Proc>;
  /** The member's own kubeconfig (what kubectl uses to look inside it). */
  kubeconfigOf(name: string): string;
  /** SIGKILL the hub and start it again on the same data dir and ports. */
  killAndRestartHub(): Promise<void>;
  /** `mcp-sim fault <member> FLAGS`: the member's faults (load, crash loops, NotReady nodes…). */
  fault(member: string, ...flags: string[]): Promise<string>;
}

interface ClusterItem {
  metadata: { name: string };
  status?: { conditions?: { type: string; status: string }[] };
}

/** Simulated members are named sim-001, sim-002, … in order; `members` gives their labels. */
export async function startJoinedFleet(
  t: TestContext,
  members: FleetMember[],
  opts: { syncInterval?: string; nodes?: number; hubArgs?: string[]; simArgs?: string[] } = {},
): Promise<JoinedFleet> {
  const work = await mkdtemp(join(tmpdir(), "mcp-e2e-fleet-"));
  t.after(() => rm(work, { recursive: true, force: true }));
  const sim = await startSim(join(work, "sim"), members.length, opts.nodes ?? 2, opts.simArgs);
  t.after(() => sim.stop());
  const dataDir = join(work, "hub");
  const hubs: HubProcess[] = [await startHub({ dataDir, args: opts.hubArgs })];
  const clients: ApiClient[] = [await apiClient(hubs[0].kubeconfigPath)];
  t.after(() => hubs[hubs.length - 1].close());
  const agentUrl = agentEndpointOf(hubs[0].output().stdout);
  const api = () => clients[clients.length - 1];

  const agents = new Map<string, Proc>();
  t.after(async () => {
    for (const p of agents.values()) await p.stop();
  });
  for (const m of members) {
    const labels = Object.entries(m.labels ?? {}).map(([k, v]) => `${k}=${v}`);
    const labelFlag = labels.length ? ["--labels", labels.join(",")] : [];
    if (m.mode === "Push") {
      await mcpctlOk(hubs[0].kubeconfigPath, [
        ...["cluster", "join", m.name, "--kubeconfig", join(work, "sim", `${m.name}.kubeconfig`)],
        ...labelFlag,
        ...(opts.syncInterval ? ["--sync-interval", opts.syncInterval] : []),
      ]);
      continue;
    }
    const res = await api().request("POST", "/apis/mcp.platform/v1/bootstraptokens", {
      body: { apiVersion: "mcp.platform/v1", kind: "BootstrapToken", spec: { ttl: "10m" } },
    });
    assert.equal(res.status, 201, res.text);
    const token = res.json<{ status: { token: string } }>().status.token;
    agents.set(
      m.name,
      run(AGENT_BIN, [
        ...["--hub", agentUrl, "--hub-ca", hubs[0].caPath, "--cluster-name", m.name],
        ...["--kubeconfig", join(work, "sim", `${m.name}.kubeconfig`), "--state-dir", join(work, "agents")],
        ...["--bootstrap-token", token],
        ...labelFlag,
      ]),
    );
  }
  await eventually(
    async () => {
      const res = await api().request("GET", "/apis/mcp.platform/v1/clusters");
      const items = res.json<{ items: ClusterItem[] }>().items;
      const ready = items.filter((c) =>
        c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"),
      );
      assert.equal(ready.length, members.length, `Ready: ${ready.map((c) => c.metadata.name)}`);
    },
    { timeoutMs: 30_000, intervalMs: 100, what: `${members.length} clusters Ready` },
  );
  if (opts.syncInterval)
    for (const m of members) {
      const res = await api().request("PATCH", `/apis/mcp.platform/v1/clusters/${m.name}`, {
        body: { spec: { syncInterval: opts.syncInterval } },
        contentType: "application/merge-patch+json",
      });
      assert.equal(res.status, 200, res.text);
    }

  return {
    work,
    hub: () => hubs[hubs.length - 1],
    api,
    agentUrl,
    sim,
    agents,
    kubeconfigOf: (name) => join(work, "sim", `${name}.kubeconfig`),
    fault: (member, ...flags) => simFault(join(work, "sim"), member, flags),
    async killAndRestartHub() {
      const old = hubs[hubs.length - 1];
      old.child.kill("SIGKILL");
      await old.exited;
      const hub = await startHub({
        dataDir,
        listen: `127.0.0.1:${old.port}`,
        args: [...(opts.hubArgs ?? []), "--agent-listen", `127.0.0.1:${new URL(agentUrl).port}`],
      });
      hubs.push(hub);
      clients.push(await apiClient(hub.kubeconfigPath));
    },
  };
}
