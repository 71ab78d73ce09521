// A raw HTTPS client for the hub, built from a kubeconfig (loaded with the hub's own loader):
// the admin client certificate by default, or a bearer token, or no credential at all. Tests
// use it where kubectl would hide what they check (status codes, Status bodies, headers).
import { request as httpsRequest } from "node:https";
import { type LoadedKubeconfig, loadKubeconfig } from "../../../src/apiserver/auth/kubeconfig.ts";

export interface ApiResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** The body parsed as JSON (throws with the raw text when it is not JSON). */
  json<T = Record<string, unknown>>(): T;
}

export interface RequestOptions {
  /** An object is sent as JSON; a string or Buffer as is. */
  body?: unknown;
  contentType?: string;
  headers?: Record<string, string>;
  /** Send the body chunked, without Content-Length (the server must count bytes itself). */
  chunked?: boolean;
}

export type Credential =
  | { kind: "kubeconfig" }
  | { kind: "token"; token: string }
  | { kind: "cert"; certPem: string; keyPem: string }
  | { kind: "none" };

export interface ApiClient {
  server: string;
  config: LoadedKubeconfig;
  request(method: string, path: string, opts?: RequestOptions): Promise<ApiResponse>;
  /** Opens a watch (path including ?watch=true&...) and collects its events as they arrive. */
  watch(path: string): Promise<WatchStream>;
  /** The same server and CA with another credential. */
  as(credential: Credential): ApiClient;
}

export interface WatchEvent {
  type: string;
  object: Record<string, unknown> & { metadata?: Record<string, unknown> };
}

export interface WatchStream {
  events: WatchEvent[];
  /** Resolves with the first event (seen so far or later) matching pred. */
  waitFor(pred: (e: WatchEvent) => boolean, timeoutMs?: number): Promise<WatchEvent>;
  close(): void;
}

export async function apiClient(kubeconfigPath: string, server?: string): Promise<ApiClient> {
  const config = await loadKubeconfig(kubeconfigPath);
  return makeClient({ ...config, server: server ?? config.server }, { kind: "kubeconfig" });
}

function makeClient(config: LoadedKubeconfig, cred: Credential): ApiClient {
  const tls = () => ({
    ca: config.caPem,
    ...(cred.kind === "kubeconfig" ? { cert: config.clientCertPem, key: config.clientKeyPem } : {}),
    ...(cred.kind === "cert" ? { cert: cred.certPem, key: cred.keyPem } : {}),
  });
  const auth = (): Record<string, string> => {
    const token = cred.kind === "token" ? cred.token : cred.kind === "kubeconfig" ? config.token : undefined;
    return token ? { authorization: `Bearer ${token}` } : {};
  };
  const client: ApiClient = {
    server: config.server,
    config,
    request(method, path, opts = {}) {
      const body =
        opts.body === undefined
          ? undefined
          : typeof opts.body === "string" || Buffer.isBuffer(opts.body)
            ? Buffer.from(opts.body as string | Buffer)
            : Buffer.from(JSON.stringify(opts.body));
      const headers: Record<string, string> = {
        accept: "application/json",
        ...auth(),
        ...(body ? { "content-type": opts.contentType ?? "application/json" } : {}),
        ...(body && !opts.chunked ? { "content-length": String(body.length) } : {}),
        ...opts.headers,
      };
      return new Promise((resolve, reject) => {
        const req = httpsRequest(
          new URL(path, config.server),
          { method, headers, agent: false, ...tls() },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (c: Buffer) => chunks.push(c));
            res.on("error", reject);
            res.on("end", () => {
              const text = Buffer.concat(chunks).toString("utf8");
              resolve({
                status: res.statusCode ?? 0,
                headers: res.headers,
                text,
                json<T>() {
                  try {
                    return JSON.parse(text) as T;
                  } catch {
                    throw new Error(`${method} ${path}: response is not JSON (${res.statusCode}): ${text}`);
                  }
                },
              });
            });
          },
        );
        req.on("error", reject);
        if (body && opts.chunked) {
          // Several writes so the body really arrives in chunks, as a streaming client sends it.
          for (let i = 0; i < body.length; i += 256 * 1024) req.write(body.subarray(i, i + 256 * 1024));
          req.end();
        } else req.end(body);
      });
    },
    watch(path) {
      return openWatch(config.server, path, { ...tls(), headers: { accept: "application/json", ...auth() } });
    },
    as(credential) {
      return makeClient(config, credential);
    },
  };
  return client;
}

function openWatch(
  server: string,
  path: string,
  opts: { ca?: string; cert?: string; key?: string; headers: Record<string, string> },
): Promise<WatchStream> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent[] = [];
    const waiters = new Set<() => void>();
    const req = httpsRequest(new URL(path, server), { method: "GET", agent: false, ...opts }, (res) => {
      if (res.statusCode !== 200) {
        let text = "";
        res.setEncoding("utf8").on("data", (d: string) => (text += d));
        res.on("end", () => reject(new Error(`watch ${path}: HTTP ${res.statusCode}: ${text}`)));
        return;
      }
      let buffered = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        buffered += d;
        let nl = buffered.indexOf("\n");
        while (nl >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (line) events.push(JSON.parse(line) as WatchEvent);
          nl = buffered.indexOf("\n");
        }
        for (const w of waiters) w();
      });
      res.on("error", () => {});
      resolve({
        events,
        waitFor(pred, timeoutMs = 10_000) {
          const hit = events.find(pred);
          if (hit) return Promise.resolve(hit);
          return new Promise((res2, rej2) => {
            const check = () => {
              const found = events.find(pred);
              if (!found) return;
              done();
              res2(found);
            };
            const timer = setTimeout(() => {
              done();
              rej2(
                new Error(
                  `watch ${path}: no matching event in ${timeoutMs} ms; got ${JSON.stringify(events)}`,
                ),
              );
            }, timeoutMs);
            const done = () => {
              clearTimeout(timer);
              waiters.delete(check);
            };
            waiters.add(check);
          });
        },
        close() {
          req.destroy();
        },
      });
    });
    req.on("error", (err) => reject(err));
    req.end();
  });
}
