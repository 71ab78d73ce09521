// What the `cluster` commands need to know about the hub beyond its API: where agents reach it
// (the gRPC agent endpoint), the CA agents verify it with, and bootstrap tokens. The hub does
// not publish its agent endpoint, so it is derived the way mcp-server picks it by default (the
// API's host, next port) unless --hub-url says otherwise.
import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseHubAddress } from "../../agent/options.ts";
import { formatDuration } from "../../cli/duration.ts";
import { type FlagSpec, UsageError } from "../../cli/flags.ts";
import type { HubClient } from "../client.ts";
import { CtlError } from "../errors.ts";
import type { Invocation } from "../invocation.ts";

export const BOOTSTRAP_TOKENS = "/apis/mcp.platform/v1/bootstraptokens";
export const CLUSTERS = "/apis/mcp.platform/v1/clusters";
export const CLUSTER_JOINS = "/apis/mcp.platform/v1/clusterjoins";

export const hubUrlFlag: FlagSpec = {
  name: "hub-url",
  type: "string",
  description:
    "The hub's agent endpoint as agents will reach it, https://HOST:PORT (mcp-server prints it as 'agent endpoint'; default: the hub API's host and the next port, mcp-server's default)",
};

export const ttlFlag: FlagSpec = {
  name: "ttl",
  type: "duration",
  default: "1h",
  description: "How long the bootstrap token stays valid (1s to 24h); it is also spent by its first use",
};

export interface AgentEndpoint {
  url: string;
  /** True when guessed from the hub's API address rather than given with --hub-url. */
  derived: boolean;
}

/** --hub-url, else the API server's host with the next port (mcp-server's default --agent-listen). */
export async function agentEndpoint(inv: Invocation): Promise<AgentEndpoint> {
  const given = inv.str("hub-url");
  if (given) {
    const target = parseHubAddress(given);
    return { url: `https://${target}`, derived: false };
  }
  const api = new URL((await inv.kubeconfig()).server);
  const port = Number(api.port || 443) + 1;
  if (port > 65535)
    throw new UsageError("cannot derive the agent endpoint from the hub's port 65535: pass --hub-url");
  return { url: `https://${api.hostname}:${port}`, derived: true };
}

const LOOPBACK = /^(127\.|localhost$|\[?::1\]?$)/;

/** True when Pods in a member cluster could not reach this address. */
export function isLoopback(url: string): boolean {
  return LOOPBACK.test(new URL(url).hostname);
}

/** The hub's CA (PEM), which also signs the agent endpoint's certificate. */
export async function hubCaPem(inv: Invocation): Promise<string> {
  const kc = await inv.kubeconfig();
  if (!kc.caPem)
    throw new CtlError(
      `the hub kubeconfig ${inv.kubeconfigPath} names no certificate-authority, which agents need to verify the hub`,
    );
  return kc.caPem;
}

/**
 * A path to the hub's CA file for the agent's --hub-ca: the ca.crt beside the hub kubeconfig when
 * that is the hub's data directory (mcp-server writes both there), else a placeholder.
 */
export async function hubCaPathHint(inv: Invocation): Promise<string> {
  const candidate = join(dirname(inv.kubeconfigPath), "ca.crt");
  const ca = (await inv.kubeconfig()).caPem;
  if (ca && existsSync(candidate) && readFileSync(candidate, "utf8").trim() === ca.trim()) return candidate;
  return "HUB-CA.crt";
}

export interface BootstrapTokenObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; creationTimestamp?: string };
  spec: { ttl?: string; description?: string };
  status: { token?: string; expirationTimestamp?: string };
}

export async function createBootstrapToken(
  client: HubClient,
  ttlMs: number,
  description?: string,
): Promise<BootstrapTokenObject> {
  const res = await client.call<BootstrapTokenObject>("POST", BOOTSTRAP_TOKENS, {
    body: {
      apiVersion: "mcp.platform/v1",
      kind: "BootstrapToken",
      spec: { ttl: formatDuration(ttlMs), ...(description ? { description } : {}) },
    },
  });
  if (!res.status?.token) throw new CtlError("the hub issued no bootstrap token (was this a dry run?)");
  return res;
}

/** A shell word, quoted only when it needs to be. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
