// Starts the real mcp-server binary as a child process (never in-process: the server's CPU and
// memory must be its own), waits for its "serving" line, and stops it with SIGTERM so that a
// --cpu-prof profile gets written.
import { spawn } from "node:child_process";
import { mkdtemp, open, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { awaitOutput, stopChild } from "./child.ts";

const SERVER = fileURLToPath(new URL("../../src/cmd/server.ts", import.meta.url));

export interface HubProcessOptions {
  durability: "full" | "normal";
  logLevel: string;
  /** Write a V8 CPU profile of the hub into this directory when it exits. */
  cpuProfDir?: string;
  /** Where the data directory is created (default: the OS temp dir). Must be a real disk for durability=full to mean anything. */
  parentDir?: string;
  /** More mcp-server flags (e.g. --cluster-missed-heartbeats). */
  extraArgs?: string[];
}

export interface HubProcess {
  pid: number;
  url: string;
  /** https://HOST:PORT of the agent endpoint, as the hub printed it (what mcp-agent --hub takes). */
  agentUrl: string;
  /** The hub's CA certificate (what mcp-agent --hub-ca takes). */
  caPath: string;
  dataDir: string;
  kubeconfigPath: string;
  /** The hub's stderr (its log), kept for post-mortems while the bench runs. */
  logPath: string;
  stop(): Promise<void>;
}

export async function startHubProcess(opts: HubProcessOptions): Promise<HubProcess> {
  const dataDir = await mkdtemp(join(opts.parentDir ?? tmpdir(), "mcp-bench-"));
  const logPath = join(dataDir, "hub.log");
  const log = await open(logPath, "w");
  const args = [
    ...(opts.cpuProfDir ? ["--cpu-prof", "--cpu-prof-dir", opts.cpuProfDir] : []),
    SERVER,
    "--data",
    dataDir,
    "--listen",
    "127.0.0.1:0",
    "--durability",
    opts.durability,
    "--log-level",
    opts.logLevel,
    ...(opts.extraArgs ?? []),
  ];
  // process.execPath: the Node 24 running this bench (npx/npm put it first on PATH); going through
  // npx again would make the measured pid a wrapper instead of the server.
  const child = spawn(process.execPath, args, { stdio: ["ignore", "pipe", log.fd] });
  await log.close();
  let url: string;
  let agentUrl: string;
  try {
    // The banner prints the API address first and the agent endpoint on a later line.
    [, url, agentUrl] = await awaitOutput(child, {
      what: "mcp-server",
      ready: /MCP hub serving on (https:\/\/\S+)\s[\s\S]*agent endpoint:\s+(https:\/\/\S+)\s/,
      timeoutMs: 60_000,
      logPath,
    });
  } catch (e) {
    child.kill("SIGKILL");
    throw e;
  }
  return {
    pid: child.pid!,
    url,
    agentUrl,
    caPath: join(dataDir, "ca.crt"),
    dataDir,
    kubeconfigPath: join(dataDir, "hub.kubeconfig"),
    logPath,
    async stop() {
      await stopChild(child, 20_000);
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
