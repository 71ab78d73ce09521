// mcp-agent's options: declared once (flag, default, help), compiled and validated once at
// start-up into AgentOptions.
import { resolve } from "node:path";
import { dns1123Label, labels as labelCauses } from "../apiserver/validation/names.ts";
import {
  compileLogLevel,
  type FlagSpec,
  type FlagValue,
  HELP_FLAG,
  logLevelFlag,
  UsageError,
  VERSION_FLAG,
} from "../cli/flags.ts";

export const agentFlags: FlagSpec[] = [
  {
    name: "hub",
    type: "string",
    env: "MCP_HUB",
    description: "the hub's agent endpoint: https://HOST:PORT or HOST:PORT (mcp-server prints it)",
  },
  {
    name: "hub-ca",
    type: "string",
    env: "MCP_HUB_CA",
    description: "PEM file of the hub's CA (the hub's <data>/ca.crt), to verify the hub",
  },
  {
    name: "bootstrap-token",
    type: "string",
    env: "MCP_BOOTSTRAP_TOKEN",
    description:
      "single-use token from `mcpctl cluster token create`; only needed until the agent has registered",
  },
  {
    name: "cluster-name",
    type: "string",
    env: "MCP_CLUSTER_NAME",
    description: "this cluster's name at the hub (a DNS label)",
  },
  {
    name: "kubeconfig",
    type: "string",
    default: "",
    description: "kubeconfig of the member cluster; without it the in-cluster service account is used",
  },
  {
    name: "labels",
    type: "list",
    default: "",
    description: "labels of the Cluster created at registration: k=v,k2=v2 (region, zone, provider, env...)",
  },
  {
    name: "state-dir",
    type: "string",
    default: "./mcp-agent-state",
    env: "MCP_AGENT_STATE",
    description: "where the cluster credential is kept (<dir>/<cluster>/credential.json, mode 0600)",
  },
  logLevelFlag("info"),
  HELP_FLAG,
  VERSION_FLAG,
];

export interface BackoffOptions {
  /** The first retry's delay. Default 500 ms. */
  initialMs: number;
  /** The longest delay. Default 30 s. */
  maxMs: number;
  /** A connection that stayed up this long starts the next retries from initialMs. Default 60 s. */
  resetAfterMs: number;
}

export interface AgentOptions {
  /** HOST:PORT the gRPC channel dials. */
  hubTarget: string;
  hubCaPath: string;
  bootstrapToken?: string;
  clusterName: string;
  /** undefined: in-cluster configuration. */
  kubeconfigPath?: string;
  labels: Record<string, string>;
  stateDir: string;
  logLevel: string;
  backoff: BackoffOptions;
  /** Deadline of the Register call. Default 30 s. */
  registerTimeoutMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, resetAfterMs: 60_000 };
const DEFAULT_HUB_PORT = 6444;

/** The dial target of --hub: https://host:port, host:port or a bare host (port 6444). */
export function parseHubAddress(text: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new UsageError(`--hub takes https://HOST:PORT or HOST:PORT, got "${text}"`);
  }
  if (url.protocol !== "https:")
    throw new UsageError(`--hub must use https (the agent endpoint always speaks TLS), got "${text}"`);
  if (url.pathname !== "/" || url.search || url.username)
    throw new UsageError(`--hub takes only a host and port, got "${text}"`);
  return `${url.hostname}:${url.port || DEFAULT_HUB_PORT}`;
}

export function parseLabels(items: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf("=");
    if (eq <= 0) throw new UsageError(`--labels takes k=v pairs, got "${item}"`);
    out[item.slice(0, eq).trim()] = item.slice(eq + 1).trim();
  }
  const causes = labelCauses("--labels", out);
  if (causes.length > 0) throw new UsageError(causes[0].message);
  return out;
}

const required = (f: Record<string, FlagValue>, name: string): string => {
  const v = f[name];
  if (typeof v !== "string" || v === "") throw new UsageError(`--${name} is required`);
  return v;
};

/** Validates flags and fills defaults; throws UsageError with a one-line message. */
export function compileAgentOptions(f: Record<string, FlagValue>): AgentOptions {
  const clusterName = required(f, "cluster-name");
  const nameCauses = dns1123Label("--cluster-name", clusterName);
  if (nameCauses.length > 0) throw new UsageError(`--cluster-name ${nameCauses[0].message}`);
  const logLevel = compileLogLevel(f);
  const token =
    typeof f["bootstrap-token"] === "string" && f["bootstrap-token"] !== ""
      ? f["bootstrap-token"]
      : undefined;
  const kubeconfig = String(f.kubeconfig ?? "");
  return {
    hubTarget: parseHubAddress(required(f, "hub")),
    hubCaPath: resolve(required(f, "hub-ca")),
    ...(token ? { bootstrapToken: token } : {}),
    clusterName,
    ...(kubeconfig ? { kubeconfigPath: resolve(kubeconfig) } : {}),
    labels: parseLabels((f.labels as string[]) ?? []),
    stateDir: resolve(String(f["state-dir"])),
    logLevel,
    backoff: DEFAULT_BACKOFF,
    registerTimeoutMs: 30_000,
  };
}
