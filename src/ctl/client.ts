// mcpctl's REST client for the hub: node:https with the kubeconfig's CA and client certificate or
// bearer token, one keep-alive agent per invocation, JSON in and out, Status errors as ApiError,
// and watch streams as async iterables of {type, object} events.

import type { IncomingMessage } from "node:http";
import { Agent, request as httpsRequest } from "node:https";
import type { WatchEvent } from "../apis/meta/types.ts";
import type { LoadedKubeconfig } from "../apiserver/auth/kubeconfig.ts";
import { ApiError, CtlError, type Status } from "./errors.ts";

export const TABLE_ACCEPT = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";

export type Query = Record<string, string | number | boolean | undefined>;

export interface RequestOptions {
  query?: Query;
  /** An object is sent as JSON; a string as is. */
  body?: unknown;
  contentType?: string;
  accept?: string;
  signal?: AbortSignal;
}

export interface ClientOptions {
  /** Milliseconds before a non-watch request is abandoned; 0 waits forever. */
  requestTimeoutMs?: number;
}

// Node's error codes for what users see as "the hub is not there" or "the hub is not who it says".
const NETWORK_ERRORS: Record<string, string> = {
  ECONNREFUSED: "connection refused",
  ENOTFOUND: "no such host",
  EAI_AGAIN: "the host name could not be resolved",
  ETIMEDOUT: "connection timed out",
  ECONNRESET: "the connection was reset",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "the connection was closed",
};

export class HubClient {
  readonly server: string;
  private readonly agent: Agent;
  private readonly token: string | undefined;
  private readonly timeoutMs: number;

  constructor(config: LoadedKubeconfig, opts: ClientOptions = {}) {
    this.server = config.server.replace(/\/+$/, "");
    if (!this.server.startsWith("https://")) {
      throw new CtlError(`the hub address ${config.server} in the kubeconfig is not an https:// URL`);
    }
    this.agent = new Agent({
      keepAlive: true,
      ...(config.caPem ? { ca: config.caPem } : {}),
      ...(config.clientCertPem ? { cert: config.clientCertPem } : {}),
      ...(config.clientKeyPem ? { key: config.clientKeyPem } : {}),
      rejectUnauthorized: !config.insecureSkipTlsVerify,
    });
    this.token = config.token;
    this.timeoutMs = opts.requestTimeoutMs ?? 0;
  }

  close(): void {
    this.agent.destroy();
  }

  url(path: string, query?: Query): URL {
    const url = new URL(this.server + path);
    for (const [k, v] of Object.entries(query ?? {})) {
      if (v !== undefined && v !== "") url.searchParams.set(k, String(v));
    }
    return url;
  }

  /** A request whose 2xx answer is returned parsed; any other answer throws ApiError. */
  async call<T = unknown>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
    const res = await this.send(method, path, opts, this.timeoutMs);
    const text = await readAll(res);
    const body = parseBody(res, text);
    if ((res.statusCode ?? 0) >= 400) throw toApiError(res.statusCode ?? 0, body, text);
    return body as T;
  }

  get<T = unknown>(path: string, opts: RequestOptions = {}): Promise<T> {
    return this.call<T>("GET", path, opts);
  }

  /**
   * A watch stream: one event per JSON line until the server ends the stream or the signal
   * aborts. Errors starting the watch (a 410 for an expired resourceVersion too) throw ApiError.
   */
  async *watch(path: string, opts: RequestOptions = {}): AsyncGenerator<WatchEvent<unknown>> {
    const query = { ...opts.query, watch: 1 };
    const res = await this.send("GET", path, { ...opts, query }, 0);
    if ((res.statusCode ?? 0) >= 400) {
      const text = await readAll(res);
      throw toApiError(res.statusCode ?? 0, parseBody(res, text), text);
    }
    res.setEncoding("utf8");
    let buffer = "";
    try {
      for await (const chunk of res as AsyncIterable<string>) {
        buffer += chunk;
        for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
          const line = buffer.slice(0, nl).trim();
          buffer = buffer.slice(nl + 1);
          if (line) yield JSON.parse(line) as WatchEvent<unknown>;
        }
      }
    } catch (e) {
      // An aborted watch is how the caller says "stop"; anything else is a broken stream.
      if (opts.signal?.aborted) return;
      throw this.networkError(e);
    }
    if (buffer.trim()) yield JSON.parse(buffer) as WatchEvent<unknown>;
  }

  private send(
    method: string,
    path: string,
    opts: RequestOptions,
    timeoutMs: number,
  ): Promise<IncomingMessage> {
    const url = this.url(path, opts.query);
    const headers: Record<string, string> = { accept: opts.accept ?? "application/json" };
    if (this.token) headers.authorization = `Bearer ${this.token}`;
    let payload: string | undefined;
    if (opts.body !== undefined) {
      payload = typeof opts.body === "string" ? opts.body : JSON.stringify(opts.body);
      headers["content-type"] = opts.contentType ?? "application/json";
      headers["content-length"] = String(Buffer.byteLength(payload));
    }
    return new Promise<IncomingMessage>((resolve, reject) => {
      const req = httpsRequest(url, { method, headers, agent: this.agent, signal: opts.signal }, resolve);
      if (timeoutMs > 0) {
        req.setTimeout(timeoutMs, () =>
          req.destroy(Object.assign(new Error("request timed out"), { code: "ETIMEDOUT" })),
        );
      }
      req.on("error", (e) => reject(this.networkError(e)));
      req.end(payload);
    });
  }

  private networkError(e: unknown): Error {
    if (e instanceof ApiError || e instanceof CtlError) return e;
    const err = e as NodeJS.ErrnoException;
    if (err.name === "AbortError") return err;
    const known = err.code ? NETWORK_ERRORS[err.code] : undefined;
    if (known) return new CtlError(`cannot reach the hub at ${this.server}: ${known}`);
    if (err.code && /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO/.test(err.code)) {
      return new CtlError(
        `cannot reach the hub at ${this.server}: TLS: ${err.message} (check the kubeconfig's certificate-authority)`,
      );
    }
    return new CtlError(`cannot reach the hub at ${this.server}: ${err.message}`);
  }
}

function readAll(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on("data", (c: Buffer) => chunks.push(c));
    res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    res.on("error", reject);
  });
}

function parseBody(res: IncomingMessage, text: string): unknown {
  if (text === "") return undefined;
  if (/json/.test(res.headers["content-type"] ?? "")) {
    try {
      return JSON.parse(text);
    } catch {
      return text;
    }
  }
  return text;
}

/** Any non-2xx answer as an ApiError; a body that is not a Status still yields a one-line message. */
export function toApiError(code: number, body: unknown, text: string): ApiError {
  if (body && typeof body === "object" && (body as Status).kind === "Status") {
    return new ApiError(code, body as Status);
  }
  const first = text.split("\n")[0].slice(0, 200);
  return new ApiError(code, {
    kind: "Status",
    status: "Failure",
    code,
    reason: reasonFor(code),
    message: first || `the hub answered HTTP ${code}`,
  });
}

function reasonFor(code: number): string {
  const reasons: Record<number, string> = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    410: "Expired",
    413: "RequestEntityTooLarge",
    415: "UnsupportedMediaType",
    422: "Invalid",
    429: "TooManyRequests",
    500: "InternalError",
    503: "ServiceUnavailable",
    504: "Timeout",
  };
  return reasons[code] ?? `HTTP ${code}`;
}
