// Kubeconfig files, as kubectl reads and writes them: the hub writes one for its admin (and for
// agents); mcpctl, mcp-agent and mcp-diag load them. Only the fields these tools use are
// understood; exec/auth-provider plugins are not.
import { readFile } from "node:fs/promises";
import { dirname, isAbsolute, resolve } from "node:path";
import { parse, stringify } from "yaml";
import { writeAtomic } from "./files.ts";

export interface KubeconfigUser {
  clientCertPem?: string;
  clientKeyPem?: string;
  token?: string;
}

export interface WriteKubeconfigOptions {
  /** https://host:port of the API server. */
  server: string;
  /** The CA that signed the server's certificate. */
  caPem: string;
  user: KubeconfigUser;
  contextName: string;
  clusterName: string;
  /** The user entry's name. Default: contextName. */
  userName?: string;
  namespace?: string;
}

export interface LoadedKubeconfig extends KubeconfigUser {
  server: string;
  /** Undefined when the file names no CA (the system roots apply) or skips verification. */
  caPem?: string;
  insecureSkipTlsVerify: boolean;
  /** The context's namespace, "default" when it names none (as kubectl does). */
  namespace: string;
  contextName: string;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");
const unb64 = (data: string) => Buffer.from(data, "base64").toString("utf8");

/** Writes a kubeconfig with inline (base64) credentials, readable only by its owner (0600). */
export async function writeKubeconfig(path: string, opts: WriteKubeconfigOptions): Promise<void> {
  const userName = opts.userName ?? opts.contextName;
  const user: Record<string, string> = {};
  if (opts.user.clientCertPem) user["client-certificate-data"] = b64(opts.user.clientCertPem);
  if (opts.user.clientKeyPem) user["client-key-data"] = b64(opts.user.clientKeyPem);
  if (opts.user.token) user.token = opts.user.token;
  const doc = {
    apiVersion: "v1",
    kind: "Config",
    preferences: {},
    clusters: [
      {
        name: opts.clusterName,
        cluster: { server: opts.server, "certificate-authority-data": b64(opts.caPem) },
      },
    ],
    users: [{ name: userName, user }],
    contexts: [
      {
        name: opts.contextName,
        context: {
          cluster: opts.clusterName,
          user: userName,
          ...(opts.namespace ? { namespace: opts.namespace } : {}),
        },
      },
    ],
    "current-context": opts.contextName,
  };
  await writeAtomic(path, stringify(doc), 0o600);
}

interface Named {
  name?: string;
  [field: string]: unknown;
}

interface RawCluster {
  server?: string;
  "certificate-authority"?: string;
  "certificate-authority-data"?: string;
  "insecure-skip-tls-verify"?: boolean;
}

interface RawUser {
  "client-certificate"?: string;
  "client-certificate-data"?: string;
  "client-key"?: string;
  "client-key-data"?: string;
  token?: string;
  tokenFile?: string;
}

interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** Reads a kubeconfig and resolves one context (default: current-context) to what a client needs. */
export async function loadKubeconfig(path: string, context?: string): Promise<LoadedKubeconfig> {
  let doc: Record<string, unknown>;
  try {
    doc = (parse(await readFile(path, "utf8")) ?? {}) as Record<string, unknown>;
  } catch (err) {
    throw new Error(`cannot read kubeconfig ${path}: ${firstLine(err)}`);
  }
  const contextName = context ?? (doc["current-context"] as string | undefined);
  if (!contextName) throw new Error(`kubeconfig ${path} has no current-context; name a context`);
  const ctx = find<RawContext>(doc, "contexts", "context", contextName, path);
  if (!ctx.cluster) throw new Error(`context "${contextName}" in ${path} names no cluster`);
  const cluster = find<RawCluster>(doc, "clusters", "cluster", ctx.cluster, path);
  if (!cluster.server) throw new Error(`cluster "${ctx.cluster}" in ${path} has no server`);
  const user = ctx.user ? find<RawUser>(doc, "users", "user", ctx.user, path) : {};

  const base = dirname(resolve(path));
  // kubectl resolves relative file references against the kubeconfig's own directory.
  const file = async (p: string, what: string) => {
    const full = isAbsolute(p) ? p : resolve(base, p);
    try {
      return await readFile(full, "utf8");
    } catch (err) {
      throw new Error(`cannot read ${what} ${full} (from ${path}): ${firstLine(err)}`);
    }
  };
  const pick = async (data: string | undefined, ref: string | undefined, what: string) =>
    data ? unb64(data) : ref ? file(ref, what) : undefined;

  const insecure = cluster["insecure-skip-tls-verify"] === true;
  const caPem = insecure
    ? undefined
    : await pick(
        cluster["certificate-authority-data"],
        cluster["certificate-authority"],
        "certificate-authority",
      );
  const clientCertPem = await pick(
    user["client-certificate-data"],
    user["client-certificate"],
    "client-certificate",
  );
  const clientKeyPem = await pick(user["client-key-data"], user["client-key"], "client-key");
  const token = user.token ?? (user.tokenFile ? (await file(user.tokenFile, "tokenFile")).trim() : undefined);
  return {
    server: cluster.server,
    ...(caPem ? { caPem } : {}),
    insecureSkipTlsVerify: insecure,
    ...(clientCertPem ? { clientCertPem } : {}),
    ...(clientKeyPem ? { clientKeyPem } : {}),
    ...(token ? { token } : {}),
    namespace: ctx.namespace || "default",
    contextName,
  };
}

/** The inner object of the named entry in a kubeconfig list (contexts, clusters, users). */
function find<T>(doc: Record<string, unknown>, list: string, field: string, name: string, path: string): T {
  const entries = Array.isArray(doc[list]) ? (doc[list] as Named[]) : [];
  const entry = entries.find((e) => e?.name === name);
  const singular = list.slice(0, -1);
  if (!entry) throw new Error(`${singular} "${name}" not found in kubeconfig ${path}`);
  const inner = entry[field];
  if (typeof inner !== "object" || inner === null) {
    throw new Error(`${singular} "${name}" in kubeconfig ${path} has no ${field} section`);
  }
  return inner as T;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0];
}
