// Test helpers for the cluster registry: a hub-like API server (the hub's kinds, the ClusterJoin
// handler, an in-memory store, bearer token "admin", every log line captured so tests can prove
// secrets never reach it), and a member cluster served over HTTPS with its own CA (the test API
// server loaded with a kubeadm-like kube-system).
import { mkdtemp, rm } from "node:fs/promises";
import { createServer as createHttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo, Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import pino, { type Logger } from "pino";
import { Registry } from "prom-client";
import { kubeadmCalicoCluster, loadObjects } from "../../agent/status/fixtures.ts";
import { ensurePki } from "../../apiserver/auth/pki.ts";
import type { Authenticator, UserInfo } from "../../apiserver/auth/types.ts";
import { InternalClient } from "../../apiserver/client/internal-client.ts";
import { errors } from "../../apiserver/errors.ts";
import { ObjectStore } from "../../apiserver/registry/object-store.ts";
import { ApiServer } from "../../apiserver/server.ts";
import { startTestApi, type TestApi } from "../../apiserver/testing/harness.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import type { Store } from "../../storage/store.ts";
import { hubResourceRegistry } from "../hub.ts";
import { CredentialStore, loadEncryptionKey } from "./credentials.ts";
import { clusterJoinHandler } from "./join.ts";

export interface TestHub {
  url: string;
  store: Store;
  client: InternalClient;
  credentials: CredentialStore;
  log: Logger;
  /** Every log line written so far (trace level and up). */
  logs: string[];
  metrics: Registry;
  req(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

const tokenAuthenticator = (users: Record<string, UserInfo>): Authenticator => ({
  async authenticate(r) {
    const h = r.headers.authorization;
    if (!h) return undefined;
    const u = users[h.replace(/^Bearer /, "")];
    if (!u) throw errors.unauthorized();
    return u;
  },
});

export async function startTestHub(): Promise<TestHub> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-hub-"));
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      logs.push(String(chunk));
      done();
    },
  });
  const log = pino({ level: "trace" }, sink);
  const store = openMemoryStore();
  const registry = hubResourceRegistry();
  const client = new InternalClient(new ObjectStore(store), registry);
  await client.create({ apiVersion: "v1", kind: "Namespace", metadata: { name: "default" } });
  const credentials = new CredentialStore(store, await loadEncryptionKey(dir));
  const metrics = new Registry();
  const api = new ApiServer({
    store,
    registry,
    authenticator: tokenAuthenticator({ admin: { name: "admin", groups: ["system:masters"] } }),
    authorizer: { authorize: async () => ({ allowed: true }) },
    log,
    metricsRegistry: new Registry(),
    kubernetesVersion: "v1.30.0",
    handlers: {
      "mcp.platform/clusterjoins": clusterJoinHandler({ client, credentials, log, probeTimeoutMs: 2000 }),
    },
  });
  const http = createHttpServer(api.handle);
  const url = await listen(http);
  return {
    url,
    store,
    client,
    credentials,
    log,
    logs,
    metrics,
    req: (method, path, body, headers = {}) =>
      fetch(url + path, {
        method,
        headers: {
          authorization: "Bearer admin",
          ...(body === undefined ? {} : { "content-type": "application/json" }),
          ...headers,
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      }),
    async close() {
      api.shutdown();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
      await store.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

export interface HttpsMember {
  url: string;
  /** Base64 PEM of the member's CA, as a kubeconfig's certificate-authority-data. */
  caData: string;
  /** Base64 PEM of a CA that did NOT sign the member's certificate. */
  otherCaData: string;
  api: TestApi;
  /** Stops listening (connections refused) until start() again, on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  close(): Promise<void>;
}

/** A member kube-apiserver over HTTPS accepting bearer `token` as an admin. */
export async function startHttpsMember(token: string): Promise<HttpsMember> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-member-"));
  const pki = await ensurePki(join(dir, "member"), { hosts: ["127.0.0.1"] });
  const other = await ensurePki(join(dir, "other"), { hosts: ["127.0.0.1"] });
  const api = await startTestApi({
    users: { [token]: { name: "member-admin", groups: ["system:masters"] } },
  });
  await loadObjects(api.store, kubeadmCalicoCluster());
  let server = createHttpsServer({ cert: pki.serving.certPem, key: pki.serving.keyPem }, api.server.handle);
  const url = await listen(server);
  const port = Number(new URL(url).port);
  const b64 = (pem: string) => Buffer.from(pem).toString("base64");
  const stop = async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  };
  return {
    url: url.replace("http:", "https:"),
    caData: b64(pki.ca.certPem),
    otherCaData: b64(other.ca.certPem),
    api,
    stop,
    async start() {
      server = createHttpsServer({ cert: pki.serving.certPem, key: pki.serving.keyPem }, api.server.handle);
      await listen(server, port);
    },
    async close() {
      if (server.listening) await stop();
      await api.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

async function listen(server: Server, port = 0): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Polls `read` until `ok` holds on its result; fails after `ms` with the last value. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, ms = 5000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (ok(v)) return v;
    if (Date.now() > end)
      throw new Error(`condition not met within ${ms} ms; last value: ${JSON.stringify(v)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
