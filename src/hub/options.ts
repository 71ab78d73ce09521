// mcp-server's options: declared once (flag, default, help), compiled and validated once at
// start-up into HubOptions.
import { resolve } from "node:path";
import {
  compileLogLevel,
  type FlagSpec,
  type FlagValue,
  HELP_FLAG,
  logLevelFlag,
  UsageError,
  VERSION_FLAG,
} from "../cli/flags.ts";

export const hubFlags: FlagSpec[] = [
  {
    name: "data",
    type: "string",
    default: "./mcp-data",
    env: "MCP_DATA",
    description: "data directory: SQLite database, CA, serving certificate, hub.kubeconfig, audit log",
  },
  {
    name: "listen",
    type: "string",
    default: "127.0.0.1:6443",
    description: "HOST:PORT to serve the API on (port 0 picks a free port)",
  },
  {
    name: "agent-listen",
    type: "string",
    description:
      "HOST:PORT of the agent endpoint, gRPC over TLS (default: the --listen host and the next port, 127.0.0.1:6444; with --listen port 0, a free port)",
  },
  {
    name: "require-approval",
    type: "boolean",
    default: "false",
    description: "registered clusters wait for `mcpctl cluster approve NAME` before the hub accepts them",
  },
  {
    name: "cluster-missed-heartbeats",
    type: "int",
    default: "3",
    description:
      "heartbeats a pull cluster may miss (in units of its syncInterval) before it is Ready=Unknown",
  },
  {
    name: "tls-san",
    type: "list",
    default: "",
    description: "extra DNS names or IPs for the serving certificate",
  },
  {
    name: "kubernetes-version",
    type: "string",
    default: "v1.30.0",
    description: "the Kubernetes version /version reports to clients",
  },
  logLevelFlag("info"),
  {
    name: "audit-log",
    type: "string",
    default: "",
    description: "audit log file (JSON lines); default <data>/audit.log; 'off' disables it",
  },
  {
    name: "compaction-interval",
    type: "duration",
    default: "5m",
    description: "how often old revisions are compacted; history of at least one interval is kept",
  },
  {
    name: "event-ttl",
    type: "duration",
    default: "1h",
    description:
      "how long an Event is kept after its last activity, as kube-apiserver's --event-ttl; 0 keeps Events forever",
  },
  {
    name: "bookmark-interval",
    type: "duration",
    default: "10s",
    description: "how often watches that allow bookmarks get one",
  },
  {
    name: "max-body-bytes",
    type: "int",
    default: String(3 * 1024 * 1024),
    description: "largest request body accepted",
  },
  {
    name: "durability",
    type: "string",
    default: "full",
    description: "SQLite sync mode: full (survives power loss) or normal (survives process crashes)",
  },
  {
    name: "shutdown-grace",
    type: "duration",
    default: "10s",
    description: "how long a SIGTERM waits for requests in flight",
  },
  HELP_FLAG,
  VERSION_FLAG,
];

export interface HubOptions {
  dataDir: string;
  host: string;
  port: number;
  /** The agent endpoint's address. */
  agentHost: string;
  agentPort: number;
  requireApproval: boolean;
  clusterMissedHeartbeats: number;
  tlsSans: string[];
  kubernetesVersion: string;
  logLevel: string;
  /** undefined: no audit log. */
  auditLogPath?: string;
  compactionIntervalMs: number;
  /** Events older than this (by their last activity) are deleted; 0: never. */
  eventTtlMs: number;
  bookmarkIntervalMs: number;
  maxBodyBytes: number;
  durability: "full" | "normal";
  shutdownGraceMs: number;
}

export function parseHostPort(text: string, flag = "listen"): { host: string; port: number } {
  const m = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(text);
  const port = m ? Number(m[2]) : Number.NaN;
  if (!m || port < 0 || port > 65535) throw new UsageError(`--${flag} takes HOST:PORT, got "${text}"`);
  return { host: m[1].replace(/^\[|\]$/g, ""), port };
}

/** Validates flags and fills defaults; throws UsageError with a one-line message. */
export function compileHubOptions(f: Record<string, FlagValue>): HubOptions {
  const dataDir = resolve(String(f.data));
  const { host, port } = parseHostPort(String(f.listen));
  // Derived from --listen by default, so that hubs started on port 0 (tests) never collide on 6444.
  const agent = f["agent-listen"]
    ? parseHostPort(String(f["agent-listen"]), "agent-listen")
    : { host, port: port === 0 ? 0 : port + 1 };
  if (agent.port > 65535) throw new UsageError("--listen port 65535 leaves no port for --agent-listen");
  const logLevel = compileLogLevel(f);
  const durability = String(f.durability);
  if (durability !== "full" && durability !== "normal")
    throw new UsageError(`--durability must be full or normal`);
  const audit = String(f["audit-log"] ?? "");
  const maxBodyBytes = f["max-body-bytes"] as number;
  if (maxBodyBytes < 1024) throw new UsageError("--max-body-bytes must be at least 1024");
  const clusterMissedHeartbeats = f["cluster-missed-heartbeats"] as number;
  if (clusterMissedHeartbeats < 1) throw new UsageError("--cluster-missed-heartbeats must be at least 1");
  const kubernetesVersion = String(f["kubernetes-version"]);
  if (!/^v?\d+\.\d+\.\d+/.test(kubernetesVersion))
    throw new UsageError(`--kubernetes-version must look like v1.30.0`);
  return {
    dataDir,
    host,
    port,
    agentHost: agent.host,
    agentPort: agent.port,
    requireApproval: f["require-approval"] === true,
    clusterMissedHeartbeats,
    tlsSans: (f["tls-san"] as string[]) ?? [],
    kubernetesVersion,
    logLevel,
    auditLogPath: audit === "off" ? undefined : audit ? resolve(audit) : resolve(dataDir, "audit.log"),
    compactionIntervalMs: f["compaction-interval"] as number,
    eventTtlMs: f["event-ttl"] as number,
    bookmarkIntervalMs: f["bookmark-interval"] as number,
    maxBodyBytes,
    durability,
    shutdownGraceMs: f["shutdown-grace"] as number,
  };
}
