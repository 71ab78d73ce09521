// Plain-JSON reads a status collection makes against one member kube-apiserver, through
// @kubernetes/client-node's request chain: kubeconfig authentication (certificates, tokens, exec
// plugins) and its fetch. Not its typed API classes: those map every response through the
// generated models (a 100-node list becomes thousands of class instances, Dates included), and
// loading them costs the agent about 30 MiB (src/kube/client-node-slim.ts); the collection reads
// a handful of fields of the JSON the apiserver sent. The methods keep the typed clients' names
// and parameters. Requests share one connection pool (src/kube/member-connections.ts): the
// caller's, kept across collections, or one of their own that close() releases at once instead
// of leaving its sockets to idle out. Each request gets a deadline.
//
// Errors are sorted into what callers act on: the apiserver cannot be reached or its certificate
// not verified (the cluster is unreachable), the credential is rejected, or one request was
// refused (403/404: that field is unknown, the rest of the status still counts).
import type { KubeConfig } from "@kubernetes/client-node";
import {
  ApiException,
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
} from "../../kube/client-node-gen.ts";
import { MemberConnections } from "../../kube/member-connections.ts";

/** A list as the apiserver serves it; items are read by the caller's own narrow types. */
export interface JsonList {
  metadata?: { continue?: string; resourceVersion?: string };
  items: unknown[];
}

/** /version. */
export interface VersionJson {
  gitVersion: string;
  major?: string;
  minor?: string;
  platform?: string;
}

export interface ConfigMapJson {
  metadata?: { name?: string; namespace?: string };
  data?: Record<string, string>;
}

interface Selector {
  labelSelector?: string;
}

export interface MemberApi {
  /** The apiserver URL (for messages). */
  server: string;
  core: {
    listNode(p: { limit?: number; _continue?: string }): Promise<JsonList>;
    listNamespacedPod(p: { namespace: string } & Selector): Promise<JsonList>;
    readNamespacedConfigMap(p: { name: string; namespace: string }): Promise<ConfigMapJson>;
  };
  apps: {
    listNamespacedDeployment(p: { namespace: string } & Selector): Promise<JsonList>;
    listDaemonSetForAllNamespaces(p: Selector): Promise<JsonList>;
    listNamespacedDaemonSet(p: { namespace: string } & Selector): Promise<JsonList>;
  };
  version: { getCode(): Promise<VersionJson> };
  /** Closes the shared connections. */
  close(): Promise<void>;
}

export interface MemberApiOptions {
  /** Deadline of each request. */
  timeoutMs: number;
  /** Aborts every request (e.g. the agent is stopping). */
  signal?: AbortSignal;
  /** A pool kept across calls (close() then leaves it open); default: one for this MemberApi. */
  connections?: MemberConnections;
}

export function memberApi(kc: KubeConfig, opts: MemberApiOptions): MemberApi {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new Error("the kubeconfig has no current cluster with a server URL");
  const connections = opts.connections ?? new MemberConnections(kc);
  const server = cluster.server.replace(/\/+$/, "");
  const http = new IsomorphicFetchHttpLibrary();
  const get = async <T>(
    path: string,
    query: Record<string, string | number | undefined> = {},
  ): Promise<T> => {
    const url = new URL(server + path);
    for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, String(v));
    const ctx = new RequestContext(url.toString(), HttpMethod.GET);
    ctx.setHeaderParam("Accept", "application/json");
    await kc.applySecurityAuthentication(ctx);
    await connections.use(ctx);
    const deadline = AbortSignal.timeout(opts.timeoutMs);
    ctx.setSignal(opts.signal ? AbortSignal.any([opts.signal, deadline]) : deadline);
    const res = await http.send(ctx).toPromise();
    const text = await res.body.text();
    // The same error the typed clients throw, so callers classify failures as before.
    if (res.httpStatusCode < 200 || res.httpStatusCode > 299)
      throw new ApiException(res.httpStatusCode, `HTTP ${res.httpStatusCode}`, text, res.headers);
    return JSON.parse(text) as T;
  };
  const ns = (namespace: string) => `/namespaces/${encodeURIComponent(namespace)}`;
  return {
    server,
    core: {
      listNode: (p) => get("/api/v1/nodes", { limit: p.limit, continue: p._continue }),
      listNamespacedPod: (p) => get(`/api/v1${ns(p.namespace)}/pods`, { labelSelector: p.labelSelector }),
      readNamespacedConfigMap: (p) =>
        get(`/api/v1${ns(p.namespace)}/configmaps/${encodeURIComponent(p.name)}`),
    },
    apps: {
      listNamespacedDeployment: (p) =>
        get(`/apis/apps/v1${ns(p.namespace)}/deployments`, { labelSelector: p.labelSelector }),
      listDaemonSetForAllNamespaces: (p) =>
        get("/apis/apps/v1/daemonsets", { labelSelector: p.labelSelector }),
      listNamespacedDaemonSet: (p) =>
        get(`/apis/apps/v1${ns(p.namespace)}/daemonsets`, { labelSelector: p.labelSelector }),
    },
    version: { getCode: () => get("/version") },
    async close() {
      if (!opts.connections) await connections.close();
    },
  };
}

export type FailureKind =
  /** The certificate chain could not be verified with the CA given. */
  | "tls"
  /** No answer: refused, reset, unknown host, or the deadline passed. */
  | "network"
  | "unauthorized"
  | "forbidden"
  | "notFound"
  /** Any other HTTP error status. */
  | "http";

export interface RequestFailure {
  kind: FailureKind;
  /** HTTP status, when the apiserver answered. */
  status?: number;
  /** One line, safe to show and log (never carries a credential). */
  detail: string;
}

/** One sentence saying why a member could not be read, for errors users see. */
export function describeFailure(server: string, failure: RequestFailure): string {
  const what =
    failure.kind === "unauthorized"
      ? `the credential was rejected by ${server}`
      : failure.kind === "tls"
        ? `cannot verify the certificate of ${server}`
        : `cannot reach ${server}`;
  return `${what}: ${failure.detail}`;
}

const UNKNOWN_AUTHORITY = new Set([
  "SELF_SIGNED_CERT_IN_CHAIN",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "CERT_SIGNATURE_FAILURE",
  "CERT_UNTRUSTED",
]);

const NETWORK: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "temporary failure in name resolution",
  EHOSTUNREACH: "no route to host",
  ENETUNREACH: "network is unreachable",
  ETIMEDOUT: "i/o timeout",
  UND_ERR_CONNECT_TIMEOUT: "connect timeout",
  UND_ERR_SOCKET: "the connection was closed",
};

/** Sorts a thrown client-node / fetch error into a kind and a one-line, Go-like detail. */
export function classifyFailure(err: unknown): RequestFailure {
  if (err instanceof ApiException) {
    const status = err.code;
    const kind: FailureKind =
      status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "notFound" : "http";
    return { kind, status, detail: `HTTP ${status}${statusMessage(err.body)}` };
  }
  if (err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError"))
    return { kind: "network", detail: `the request timed out (${err.message})` };
  // fetch wraps the socket error: TypeError("fetch failed", { cause }).
  const cause = (err as { cause?: unknown })?.cause ?? err;
  const code = String((cause as { code?: unknown })?.code ?? "");
  // Node appends advice about --use-system-ca to verification errors; it does not apply here.
  const message = (cause instanceof Error ? cause.message : String(cause)).split("; if the root CA")[0];
  if (UNKNOWN_AUTHORITY.has(code))
    return { kind: "tls", detail: `x509: certificate signed by unknown authority (${message})` };
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID")
    return { kind: "tls", detail: `x509: certificate is not valid for this host (${message})` };
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID")
    return { kind: "tls", detail: `x509: certificate has expired or is not yet valid (${message})` };
  if (code in NETWORK) return { kind: "network", detail: `${NETWORK[code]} (${message})` };
  return { kind: "network", detail: message || "the request failed" };
}

/** The `message` of a Kubernetes Status body, when there is one. */
function statusMessage(body: unknown): string {
  let parsed = body;
  if (typeof body === "string") {
    try {
      parsed = JSON.parse(body);
    } catch {
      return "";
    }
  }
  const message = (parsed as { message?: unknown } | undefined)?.message;
  return typeof message === "string" && message ? `: ${message.slice(0, 300)}` : "";
}
