// The demo fleet behind `npm run demo`: a hub with embedded SQLite, simulated member clusters
// (mcp-sim) and one mcp-agent per cluster registering in pull mode with a bootstrap token. It
// waits until every cluster is Ready, prints the fleet and how to use it, and runs until stopped.
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { loadKubeconfig } from "../apiserver/auth/kubeconfig.ts";
import { printTable } from "../apiserver/table/print-table.ts";
import type { Table } from "../apiserver/table/types.ts";
import { HubClient, TABLE_ACCEPT } from "../ctl/client.ts";
import { type Proc, startBinary } from "./processes.ts";

export interface DemoOptions {
  dataDir: string;
  clusters: number;
  nodes: number;
  /** Heartbeat interval given to the demo's clusters. */
  syncInterval: string;
  log: (line: string) => void;
}

interface FleetEntry {
  name: string;
  kubeconfig: string;
  labels: Record<string, string>;
}

export interface Demo {
  hubUrl: string;
  kubeconfig: string;
  stop(): Promise<void>;
}

export async function startDemo(o: DemoOptions): Promise<Demo> {
  const dataDir = resolve(o.dataDir);
  const procs: Proc[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await p.stop();
  };
  try {
    o.log(`starting the hub (embedded SQLite in ${dataDir})`);
    const hub = startBinary("mcp-server", "server", ["--data", dataDir, "--log-level", "warn"]);
    procs.push(hub);
    const [, hubUrl] = await hub.waitFor(/MCP hub serving on (\S+)/, 60_000);
    const [, agentUrl] = await hub.waitFor(/agent endpoint:\s+(\S+)/, 10_000);
    const kubeconfig = join(dataDir, "hub.kubeconfig");
    const client = new HubClient(await loadKubeconfig(kubeconfig));

    const simDir = join(dataDir, "sim");
    o.log(`starting ${o.clusters} simulated clusters with ${o.nodes} nodes each`);
    const sim = startBinary("mcp-sim", "sim", [
      "--clusters",
      String(o.clusters),
      "--nodes",
      String(o.nodes),
      "--out",
      simDir,
    ]);
    procs.push(sim);
    await sim.waitFor(/fleet\.json/, 120_000);
    const fleet = JSON.parse(await readFile(join(simDir, "fleet.json"), "utf8")) as {
      clusters: FleetEntry[];
    };

    const stateDir = join(dataDir, "agents");
    for (const c of fleet.clusters) {
      const registered = existsSync(join(stateDir, c.name, "credential.json"));
      const args = ["--hub", agentUrl, "--hub-ca", join(dataDir, "ca.crt"), "--cluster-name", c.name];
      args.push("--kubeconfig", c.kubeconfig, "--state-dir", stateDir, "--log-level", "warn");
      // The member's own description of itself (region, zone, provider, env) labels its Cluster.
      const labels = Object.entries(c.labels ?? {}).map(([k, v]) => `${k}=${v}`);
      if (labels.length > 0) args.push("--labels", labels.join(","));
      if (!registered) args.push("--bootstrap-token", await bootstrapToken(client));
      procs.push(startBinary(`mcp-agent ${c.name}`, "agent", args));
      o.log(`agent for ${c.name} ${registered ? "reconnecting with its stored credential" : "registering"}`);
    }
    await waitForReady(
      client,
      fleet.clusters.map((c) => c.name),
      60_000,
    );
    const table = await client.get<Table>("/apis/mcp.platform/v1/clusters", { accept: TABLE_ACCEPT });
    o.log(`\n${printTable(table, { wide: false })}`);
    client.close();
    return { hubUrl, kubeconfig, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

async function bootstrapToken(client: HubClient): Promise<string> {
  const created = await client.call<{ status: { token: string } }>(
    "POST",
    "/apis/mcp.platform/v1/bootstraptokens",
    {
      body: {
        apiVersion: "mcp.platform/v1",
        kind: "BootstrapToken",
        metadata: { generateName: "demo-" },
        spec: { ttl: "10m" },
      },
    },
  );
  return created.status.token;
}

interface ClusterList {
  items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
}

async function waitForReady(client: HubClient, names: string[], timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const list = await client.get<ClusterList>("/apis/mcp.platform/v1/clusters");
    const ready = new Set(
      list.items
        .filter((c) => c.status?.conditions?.some((x) => x.type === "Ready" && x.status === "True"))
        .map((c) => c.metadata.name),
    );
    const missing = names.filter((n) => !ready.has(n));
    if (missing.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`clusters not Ready after ${timeoutMs / 1000}s: ${missing.join(", ")}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
