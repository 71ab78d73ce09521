// A minimal HTTPS client for benchmarks: the kubeconfig's credential (a client certificate, or a
// bearer token as mcp-sim's clusters use), keep-alive connections, and the body read to its end
// before a request counts as done. It is deliberately thinner than mcpctl's client so that client
// overhead does not hide server time.

import type { IncomingMessage } from "node:http";
import { Agent, request } from "node:https";
import { loadKubeconfig } from "../../src/apiserver/auth/kubeconfig.ts";

export interface HubResponse {
  status: number;
  body: string;
  bytes: number;
}

export interface HubClientOptions {
  /** Connections kept open for ordinary requests; the load's concurrency. */
  maxSockets: number;
}

export class HubClient {
  readonly server: URL;
  private readonly tls: { ca?: string; cert?: string; key?: string };
  private readonly auth: Record<string, string>;
  private readonly agent: Agent;
  // Watches hold their connection for the whole phase, so they must not starve the request pool.
  private readonly streamAgent: Agent;

  private constructor(
    server: string,
    tls: { ca?: string; cert?: string; key?: string },
    maxSockets: number,
    token?: string,
  ) {
    this.server = new URL(server);
    this.tls = tls;
    this.auth = token ? { authorization: `Bearer ${token}` } : {};
    this.agent = new Agent({ keepAlive: true, maxSockets, ...tls });
    this.streamAgent = new Agent({ keepAlive: false, maxSockets: Number.POSITIVE_INFINITY, ...tls });
  }

  static async fromKubeconfig(path: string, opts: HubClientOptions): Promise<HubClient> {
    const kc = await loadKubeconfig(path);
    return new HubClient(
      kc.server,
      { ca: kc.caPem, cert: kc.clientCertPem, key: kc.clientKeyPem },
      opts.maxSockets,
      kc.token,
    );
  }

  /** Sends one request and resolves once the whole response body has arrived. */
  request(
    method: string,
    path: string,
    body?: unknown,
    contentType = "application/json",
  ): Promise<HubResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        this.options(method, path, this.agent, payload ? { "content-type": contentType } : {}),
        (res) => {
          const chunks: Buffer[] = [];
          let bytes = 0;
          res.on("data", (c: Buffer) => {
            chunks.push(c);
            bytes += c.length;
          });
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8"), bytes }),
          );
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(payload);
    });
  }

  /** Like request(), but fails unless the status is 2xx, and parses the JSON body. */
  async json<T>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const res = await this.request(method, path, body, contentType);
    if (res.status < 200 || res.status > 299)
      throw new Error(`${method} ${path}: HTTP ${res.status}: ${res.body.slice(0, 300)}`);
    return JSON.parse(res.body) as T;
  }

  /** Opens a long-lived streaming GET (a watch); resolves with the response once headers arrive. */
  stream(path: string, signal: AbortSignal): Promise<IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = request({ ...this.options("GET", path, this.streamAgent, {}), signal }, (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
          return;
        }
        resolve(res);
      });
      req.on("error", reject);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
    this.streamAgent.destroy();
  }

  private options(method: string, path: string, agent: Agent, headers: Record<string, string>) {
    return {
      method,
      host: this.server.hostname,
      port: this.server.port,
      path,
      agent,
      headers: { accept: "application/json", ...this.auth, ...headers },
      ...this.tls,
    };
  }
}
