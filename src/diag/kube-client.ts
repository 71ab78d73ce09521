// Raw JSON GETs against one kube-apiserver for a diagnostics snapshot. The typed clients of
// @kubernetes/client-node turn objects into model classes (Date objects, dropped unknown fields),
// but checks want the JSON the apiserver served, exactly as kubectl would show it. So this uses
// client-node only for what it is good at — kubeconfig authentication (certificates, tokens, exec
// plugins, proxies) and its fetch — and reads bodies as plain JSON.
//
// All requests of one scan share the first connection pool (one TLS handshake per concurrent
// request, not per call), as src/agent/status/member-api.ts does — or the member's pool the caller
// keeps (the hub's, for push members), which close() leaves open.
import {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  type KubeConfig,
  RequestContext,
} from "@kubernetes/client-node";
import { classifyFailure, type FailureKind, type RequestFailure } from "../agent/status/member-api.ts";
import type { MemberConnections } from "../kube/member-connections.ts";

type Dispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

/** A request that failed, sorted into what the caller acts on (see FailureKind). */
export class RequestError extends Error {
  readonly failure: RequestFailure;

  constructor(failure: RequestFailure) {
    super(failure.detail);
    this.name = "RequestError";
    this.failure = failure;
  }
}

export interface RawClient {
  /** The apiserver URL, for messages. */
  server: string;
  /** GETs a path (with query) and parses the JSON body; throws RequestError. */
  get<T>(path: string, query?: Record<string, string | undefined>): Promise<T>;
  close(): Promise<void>;
}

export interface RawClientOptions {
  /** Aborts every request: the scan's deadline. */
  signal?: AbortSignal;
  /** The member's pool, kept by the caller across scans. Default: one for this client's requests. */
  connections?: MemberConnections;
}

export function rawClient(kc: KubeConfig, opts: RawClientOptions = {}): RawClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) throw new Error("the kubeconfig has no current cluster with a server URL");
  const server = cluster.server.replace(/\/+$/, "");
  const http = new IsomorphicFetchHttpLibrary();
  let shared: Dispatcher | undefined;
  return {
    server,
    async get<T>(path: string, query: Record<string, string | undefined> = {}): Promise<T> {
      const url = new URL(server + path);
      for (const [k, v] of Object.entries(query)) if (v !== undefined) url.searchParams.set(k, v);
      const ctx = new RequestContext(url.toString(), HttpMethod.GET);
      ctx.setHeaderParam("Accept", "application/json");
      let text: string;
      let status: number;
      try {
        await kc.applySecurityAuthentication(ctx);
        if (opts.connections) await opts.connections.use(ctx);
        else {
          // The pool kc just made has no connections yet; dropping it costs nothing.
          const made = ctx.getDispatcher();
          if (made && !shared) shared = made;
          else if (made && shared) ctx.setDispatcher(shared);
        }
        if (opts.signal) ctx.setSignal(opts.signal);
        const res = await http.send(ctx).toPromise();
        status = res.httpStatusCode;
        text = await res.body.text();
      } catch (e) {
        throw new RequestError(classifyFailure(e));
      }
      if (status < 200 || status >= 300) throw new RequestError(httpFailure(status, text));
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new RequestError({ kind: "http", status, detail: `GET ${path}: the response is not JSON` });
      }
    },
    async close() {
      const d = shared;
      shared = undefined;
      await d?.close().catch(() => d.destroy());
    },
  };
}

function httpFailure(status: number, body: string): RequestFailure {
  const kind: FailureKind =
    status === 401 ? "unauthorized" : status === 403 ? "forbidden" : status === 404 ? "notFound" : "http";
  let message = "";
  try {
    const m = (JSON.parse(body) as { message?: unknown }).message;
    if (typeof m === "string" && m) message = `: ${m.slice(0, 300)}`;
  } catch {
    // Not a Status (a proxy's HTML error page, say): the status code says enough.
  }
  return { kind, status, detail: `HTTP ${status}${message}` };
}
