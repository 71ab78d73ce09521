// mcp-sim's options: declared once (flag, default, help), compiled and validated once at start-up
// into SimOptions, including the fleet's profiles (flags over the profile file's defaults).
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
import type { SimProfile } from "./context.ts";
import {
  clusterName,
  DEFAULT_PROFILE,
  fleetProfiles,
  loadProfileFile,
  normalizeVersion,
  ProfileError,
  type ProfileOverrides,
} from "./profile.ts";

export const simFlags: FlagSpec[] = [
  {
    name: "clusters",
    type: "int",
    default: "3",
    description: "how many clusters to simulate (sim-001, sim-002, ...)",
  },
  {
    name: "nodes",
    type: "int",
    description: `nodes per cluster (default ${DEFAULT_PROFILE.nodes}, or the profile's)`,
  },
  {
    name: "k8s-version",
    type: "string",
    description: `Kubernetes version of every cluster (default ${DEFAULT_PROFILE.kubernetesVersion}, or the profile's)`,
  },
  { name: "cni", type: "string", description: "calico or cilium (default calico, or the profile's)" },
  {
    name: "profile",
    type: "string",
    description: "YAML profile: defaults, regions and per-cluster overrides",
  },
  {
    name: "out",
    type: "string",
    default: "./mcp-sim",
    env: "MCP_SIM_OUT",
    description: "directory for <cluster>.kubeconfig, fleet.json and the certificate cache",
  },
  {
    name: "listen-host",
    type: "string",
    default: "127.0.0.1",
    description: "address the clusters listen on",
  },
  {
    name: "base-port",
    type: "int",
    default: "0",
    description: "cluster i listens on base-port+i; 0 gives each cluster a free port",
  },
  {
    name: "control-port",
    type: "int",
    default: "0",
    description: "port of the fault-injection API on 127.0.0.1 (0: any)",
  },
  {
    name: "pod-start-delay",
    type: "duration",
    description: "how long a scheduled pod takes to run (default 1s)",
  },
  { name: "heartbeat", type: "duration", description: "node lease renewal interval (default 10s)" },
  {
    name: "hpa-sync-period",
    type: "duration",
    description:
      "how often HorizontalPodAutoscalers are re-evaluated (default 15s, as kube-controller-manager)",
  },
  {
    name: "metric-resolution",
    type: "duration",
    description: "how often simulated metrics-server scrapes usage (default 15s)",
  },
  {
    name: "compaction-interval",
    type: "duration",
    default: "1m",
    description: "history each cluster keeps for watches before compacting",
  },
  {
    name: "event-ttl",
    type: "duration",
    default: "1h",
    description: "how long an Event lives after its last update (kube-apiserver's --event-ttl)",
  },
  { name: "start-concurrency", type: "int", default: "8", description: "clusters started at once" },
  logLevelFlag("warn"),
  HELP_FLAG,
  VERSION_FLAG,
];

export interface SimOptions {
  profiles: SimProfile[];
  outDir: string;
  host: string;
  basePort: number;
  controlPort: number;
  compactionIntervalMs: number;
  eventTtlMs: number;
  startConcurrency: number;
  logLevel: string;
}

/** Validates flags, reads the profile file and builds every cluster's profile. */
export async function compileSimOptions(f: Record<string, FlagValue>): Promise<SimOptions> {
  const clusters = f.clusters as number;
  if (clusters < 1 || clusters > 10_000) throw new UsageError("--clusters must be from 1 to 10000");
  const basePort = f["base-port"] as number;
  if (basePort < 0 || basePort + clusters - 1 > 65535)
    throw new UsageError(`--base-port ${basePort} leaves no room for ${clusters} clusters below 65536`);
  const controlPort = f["control-port"] as number;
  if (controlPort < 0 || controlPort > 65535) throw new UsageError("--control-port must be from 0 to 65535");
  const logLevel = compileLogLevel(f);
  const startConcurrency = f["start-concurrency"] as number;
  if (startConcurrency < 1) throw new UsageError("--start-concurrency must be at least 1");
  const eventTtlMs = f["event-ttl"] as number;
  if (eventTtlMs < 1000) throw new UsageError("--event-ttl must be at least 1s");
  try {
    const file = f.profile ? await loadProfileFile(String(f.profile)) : {};
    const names = Array.from({ length: clusters }, (_, i) => clusterName(i, clusters));
    return {
      profiles: fleetProfiles(names, flagOverrides(f), file),
      outDir: resolve(String(f.out)),
      host: String(f["listen-host"]),
      basePort,
      controlPort,
      compactionIntervalMs: Math.max(1000, f["compaction-interval"] as number),
      eventTtlMs,
      startConcurrency,
      logLevel,
    };
  } catch (e) {
    if (e instanceof ProfileError) throw new UsageError(e.message);
    throw e;
  }
}

function flagOverrides(f: Record<string, FlagValue>): ProfileOverrides {
  const o: ProfileOverrides = {};
  if (f.nodes !== undefined) {
    if ((f.nodes as number) < 1) throw new UsageError("--nodes must be at least 1");
    o.nodes = f.nodes as number;
  }
  if (f["k8s-version"] !== undefined)
    o.kubernetesVersion = normalizeVersion(String(f["k8s-version"]), "--k8s-version");
  if (f.cni !== undefined) {
    if (f.cni !== "calico" && f.cni !== "cilium") throw new UsageError("--cni must be calico or cilium");
    o.cni = { name: f.cni };
  }
  if (f["pod-start-delay"] !== undefined) o.podStartDelayMs = f["pod-start-delay"] as number;
  if (f.heartbeat !== undefined) o.nodeHeartbeatMs = Math.max(100, f.heartbeat as number);
  if (f["hpa-sync-period"] !== undefined) o.hpaSyncPeriodMs = Math.max(100, f["hpa-sync-period"] as number);
  if (f["metric-resolution"] !== undefined)
    o.metricResolutionMs = Math.max(100, f["metric-resolution"] as number);
  return o;
}
