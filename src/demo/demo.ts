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
  /** HOST:PORT of the hub's API; the agent endpoint takes the next port (free ports with port 0). */
  listen: string;
  clusters: number;
  nodes: number;
  /** spec.syncInterval of the demo's clusters (heartbeats, Work resyncs), set once they registered. */
  syncInterval: string;
  log: (line: string) => void;
  /** Stops a start-up in progress: what already started is stopped and startDemo rejects. */
  signal?: AbortSignal;
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
  const procs: Proc[] = [];
  const stop = async () => {
    for (const p of [...procs].reverse()) await p.stop();
  };
  // Once a stop is requested, nothing more starts and start-up ends without waiting for the rest.
  const start: Starter = (name, entry, args, env) => {
    o.signal?.throwIfAborted();
    const p = startBinary(name, entry, args, env);
    procs.push(p);
    return p;
  };
  try {
    const up = await untilAborted(bringUp(o, start), o.signal);
    return { ...up, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}

type Starter = (name: string, entry: string, args: string[], env?: Record<string, string>) => Proc;

async function bringUp(o: DemoOptions, start: Starter): Promise<Omit<Demo, "stop">> {
  const dataDir = resolve(o.dataDir);
  o.log(`starting the hub (embedded SQLite in ${dataDir})`);
  const hub = start("mcp-server", "server", ["--data", dataDir, "--listen", o.listen, "--log-level", "warn"]);
  const [, hubUrl] = await hub.waitFor(/MCP hub serving on (\S+)/, 60_000);
  const [, agentUrl] = await hub.waitFor(/agent endpoint:\s+(\S+)/, 10_000);
  const kubeconfig = join(dataDir, "hub.kubeconfig");
  const client = new HubClient(await loadKubeconfig(kubeconfig));
  try {
    const simDir = join(dataDir, "sim");
    o.log(`starting ${o.clusters} simulated clusters with ${o.nodes} nodes each`);
    const sim = start("mcp-sim", "sim", [
      ...["--clusters", String(o.clusters), "--nodes", String(o.nodes), "--out", simDir],
    ]);
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
      // The token goes in the environment: a command line is visible to every user in `ps`.
      const env: Record<string, string> = registered
        ? {}
        : { MCP_BOOTSTRAP_TOKEN: await bootstrapToken(client) };
      start(`mcp-agent ${c.name}`, "agent", args, env);
      o.log(`agent for ${c.name} ${registered ? "reconnecting with its stored credential" : "registering"}`);
    }
    const names = fleet.clusters.map((c) => c.name);
    await waitForReady(client, names, 60_000);
    await setSyncInterval(client, names, o.syncInterval);
    const table = await client.get<Table>("/apis/mcp.platform/v1/clusters", { accept: TABLE_ACCEPT });
    o.log(`\n${printTable(table, { wide: false })}`);
    return { hubUrl, kubeconfig };
  } finally {
    client.close();
  }
}

/** p, or a rejection with the signal's reason as soon as it aborts. */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return p;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
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

/**
 * Sets spec.syncInterval on the named Clusters: registration creates them with the API's default,
 * and the hub hands a changed interval to their agents in a fresh Welcome.
 */
export async function setSyncInterval(client: HubClient, names: string[], interval: string): Promise<void> {
  for (const name of names)
    await client.call("PATCH", `/apis/mcp.platform/v1/clusters/${name}`, {
      body: { spec: { syncInterval: interval } },
      contentType: "application/merge-patch+json",
    });
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
