// The fleet's control API: plain HTTP on a loopback port (separate from every cluster's API, so
// it keeps answering while a cluster is "offline"), JSON in and out. Tests, benchmarks and
// `mcp-sim fault` inject faults through it:
//   GET    /healthz
//   GET    /clusters                     every cluster: name, server, labels, faults
//   GET    /clusters/<name>              one cluster, with its profile and kubeconfig path
//   GET    /clusters/<name>/faults       its faults
//   POST   /clusters/<name>/faults       change the named faults (PATCH is the same)
//   PUT    /clusters/<name>/faults       clear, then set the given faults
//   DELETE /clusters/<name>/faults       clear every fault
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SimCluster } from "./cluster.ts";
import { FaultError, faultsJson, parseFaultPatch } from "./faults.ts";

const MAX_BODY = 64 * 1024;

export interface ControlTarget {
  clusters: SimCluster[];
  cluster(name: string): SimCluster | undefined;
  kubeconfigPath(name: string): string;
}

export class ControlServer {
  readonly url: string;
  private readonly server: Server;

  private constructor(server: Server, url: string) {
    this.server = server;
    this.url = url;
  }

  static async start(target: ControlTarget, host = "127.0.0.1", port = 0): Promise<ControlServer> {
    const server = createServer((req, res) => {
      handle(target, req, res).catch((e) => reply(res, 500, { error: (e as Error).message }));
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    const bound = (server.address() as AddressInfo).port;
    return new ControlServer(server, `http://${host.includes(":") ? `[${host}]` : host}:${bound}`);
  }

  async close(): Promise<void> {
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeAllConnections();
    await closed;
  }
}

async function handle(target: ControlTarget, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = new URL(req.url ?? "/", "http://control").pathname.replace(/\/+$/, "") || "/";
  const method = req.method ?? "GET";
  if (path === "/healthz") return reply(res, 200, { ok: true });
  if (path === "/clusters") {
    if (method !== "GET") return reply(res, 405, { error: `${method} is not allowed on /clusters` });
    return reply(res, 200, { clusters: target.clusters.map((c) => summary(c)) });
  }
  const m = /^\/clusters\/([^/]+)(\/faults)?$/.exec(path);
  if (!m) return reply(res, 404, { error: `no route ${path}` });
  const cluster = target.cluster(decodeURIComponent(m[1]));
  if (!cluster) return reply(res, 404, { error: `no cluster named ${m[1]}` });
  if (!m[2]) {
    if (method !== "GET") return reply(res, 405, { error: `${method} is not allowed on ${path}` });
    return reply(res, 200, {
      ...summary(cluster),
      kubeconfig: target.kubeconfigPath(cluster.name),
      profile: cluster.profile,
    });
  }
  try {
    switch (method) {
      case "GET":
        break;
      case "POST":
      case "PATCH":
        await cluster.updateFaults(parseFaultPatch(await readJson(req)));
        break;
      case "PUT": {
        const patch = parseFaultPatch(await readJson(req));
        await cluster.clearFaults();
        await cluster.updateFaults(patch);
        break;
      }
      case "DELETE":
        await cluster.clearFaults();
        break;
      default:
        return reply(res, 405, { error: `${method} is not allowed on ${path}` });
    }
  } catch (e) {
    if (e instanceof FaultError) return reply(res, 400, { error: e.message });
    throw e;
  }
  reply(res, 200, faultsJson(cluster.faults));
}

function summary(c: SimCluster) {
  return { name: c.name, server: c.url, labels: c.profile.labels, faults: faultsJson(c.faults) };
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new FaultError(`the body is larger than ${MAX_BODY} bytes`);
    chunks.push(chunk as Buffer);
  }
  const text = Buffer.concat(chunks).toString("utf8").trim();
  if (text === "") return {};
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new FaultError(`the body is not JSON: ${(e as Error).message}`);
  }
}

function reply(res: ServerResponse, code: number, body: unknown): void {
  if (res.headersSent) return;
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(code, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
  });
  res.end(text);
}
