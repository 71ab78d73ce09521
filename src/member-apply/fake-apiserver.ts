// Test support: a scripted stand-in for kube-apiserver over plain HTTP, for what mcp-sim does not
// do the way a real apiserver does (or cannot be made to do on cue): discovery that changes as
// CRDs come and go, a 404 "page not found" for an unserved group, 429 with Retry-After, 409 apply
// conflicts with FieldManagerConflict causes, 403s, Warning headers. Every request is recorded;
// each object request is answered by the test's handler, or by a default that behaves like an
// empty cluster (GET 404, apply echoes the body back as created, DELETE succeeds).
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import type { TestContext } from "node:test";
import { KubeConfig } from "@kubernetes/client-node";
import type { KubeObject } from "../apis/meta/types.ts";

export interface FakeResource {
  name: string;
  kind: string;
  namespaced: boolean;
}

export interface Recorded {
  method: string;
  path: string;
  query: Record<string, string>;
  contentType?: string;
  body?: unknown;
}

export interface Reply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface FakeApiserver {
  kc: KubeConfig;
  /** groupVersion → served resources; edit it to install or remove a CRD's kind. */
  served: Map<string, FakeResource[]>;
  /** Object requests (not discovery), in order. */
  requests: Recorded[];
  /** Answers an object request; undefined falls through to the default. */
  handle?: (r: Recorded) => Reply | undefined;
}

/** A Kubernetes Status, as kube-apiserver writes errors. */
export function status(code: number, reason: string, message: string, causes?: unknown[]): Reply {
  return {
    status: code,
    body: {
      kind: "Status",
      apiVersion: "v1",
      metadata: {},
      status: "Failure",
      message,
      reason,
      ...(causes ? { details: { causes } } : {}),
      code,
    },
  };
}

const BUILTIN: [string, FakeResource[]][] = [
  [
    "v1",
    [
      { name: "namespaces", kind: "Namespace", namespaced: false },
      { name: "configmaps", kind: "ConfigMap", namespaced: true },
    ],
  ],
  ["apps/v1", [{ name: "deployments", kind: "Deployment", namespaced: true }]],
];

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  return text ? JSON.parse(text) : undefined;
}

function defaultReply(r: Recorded): Reply {
  if (r.method === "GET") return status(404, "NotFound", `"${r.path.split("/").pop()}" not found`);
  if (r.method === "PATCH") {
    const body = structuredClone(r.body) as { metadata: Record<string, unknown> };
    body.metadata.uid = "uid-1";
    body.metadata.resourceVersion = "1";
    return { status: 201, body };
  }
  return { status: 200, body: { kind: "Status", apiVersion: "v1", status: "Success" } };
}

export async function startFakeApiserver(t: TestContext, namespace?: string): Promise<FakeApiserver> {
  const fake: FakeApiserver = {
    kc: new KubeConfig(),
    served: new Map(BUILTIN.map(([gv, rs]) => [gv, [...rs]])),
    requests: [],
  };
  const server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const send = (r: Reply) => {
      const text = typeof r.body === "string" ? r.body : JSON.stringify(r.body ?? {});
      res.writeHead(r.status, {
        "content-type": typeof r.body === "string" ? "text/plain" : "application/json",
        ...r.headers,
      });
      res.end(text);
    };
    const gv = url.pathname.match(/^\/api\/(v1)$|^\/apis\/([^/]+\/[^/]+)$/);
    if (gv) {
      const groupVersion = gv[1] ?? gv[2];
      const resources = fake.served.get(groupVersion);
      // kube-apiserver's answer for a group it does not serve is not even a Status.
      if (!resources) return send({ status: 404, body: "404 page not found\n" });
      return send({ status: 200, body: { kind: "APIResourceList", groupVersion, resources } });
    }
    const r: Recorded = {
      method: req.method ?? "GET",
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      contentType: req.headers["content-type"],
      body: await readBody(req),
    };
    fake.requests.push(r);
    send(fake.handle?.(r) ?? defaultReply(r));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => {
    server.closeAllConnections();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });
  const { port } = server.address() as AddressInfo;
  fake.kc.loadFromOptions({
    clusters: [{ name: "fake", server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
    users: [{ name: "u", token: "t" }],
    contexts: [{ name: "c", cluster: "fake", user: "u", ...(namespace ? { namespace } : {}) }],
    currentContext: "c",
  });
  return fake;
}

/**
 * A fake member holding objects by path: GET reads them, apply stores the body it is sent (uid
 * `uid-<path>`, or the stored object's), DELETE removes them (honouring a uid precondition).
 * `extra` answers first, for what a test scripts. Returns the store, for the test to read or edit.
 */
export function withStore(fake: FakeApiserver, extra?: (r: Recorded) => Reply | undefined) {
  const store = new Map<string, KubeObject>();
  fake.handle = (r) => {
    const scripted = extra?.(r);
    if (scripted) return scripted;
    const o = store.get(r.path);
    const missing = () => status(404, "NotFound", `"${r.path.split("/").pop()}" not found`);
    if (r.method === "GET") return o ? { status: 200, body: o } : missing();
    if (r.method === "PATCH") {
      const next = { ...(r.body as KubeObject) };
      next.metadata = { ...next.metadata, uid: o?.metadata.uid ?? `uid-${r.path}` };
      store.set(r.path, next);
      return { status: 200, body: next };
    }
    if (r.method === "DELETE") {
      if (!o) return missing();
      const uid = (r.body as { preconditions?: { uid?: string } } | undefined)?.preconditions?.uid;
      if (uid && uid !== o.metadata.uid)
        return status(
          409,
          "Conflict",
          `Precondition failed: UID in precondition: ${uid}, UID in object meta: ${o.metadata.uid}`,
        );
      store.delete(r.path);
      return { status: 200, body: o };
    }
    return undefined;
  };
  return store;
}
