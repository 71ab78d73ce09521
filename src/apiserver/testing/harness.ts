// Test harness: an ApiServer over plain HTTP on a loopback port with an in-memory store and
// fixed bearer tokens ("admin" is system:masters; others map to the users given). Tests talk
// to it with fetch exactly as clients talk to the real hub.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import pino from "pino";
import { Registry } from "prom-client";
import { platformResourceTypes } from "../../apis/mcp.platform/v1/index.ts";
import { ensureObjects } from "../../hub/bootstrap.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import type { Store } from "../../storage/store.ts";
import { AdmissionChain } from "../admission/chain.ts";
import { namespaceLifecycle } from "../admission/namespace-lifecycle.ts";
import { bootstrapRbac } from "../auth/bootstrap-rbac.ts";
import { rbacAuthorizer } from "../auth/rbac.ts";
import { MemoryRbacSource } from "../auth/rbac-cache.ts";
import type { Authenticator, Authorizer, UserInfo } from "../auth/types.ts";
import { startCrdController } from "../controllers/crd.ts";
import { startNamespaceController } from "../controllers/namespace.ts";
import { errors } from "../errors.ts";
import { ObjectStore } from "../registry/object-store.ts";
import { builtinResourceTypes } from "../resources/builtin.ts";
import { ResourceRegistry } from "../resources/registry.ts";
import { ApiServer } from "../server.ts";

export interface TestApi {
  url: string;
  store: Store;
  server: ApiServer;
  /** fetch against the server as `token`'s user (default admin). */
  req(
    method: string,
    path: string,
    opts?: { body?: unknown; token?: string; contentType?: string; accept?: string; raw?: string },
  ): Promise<Response>;
  json<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  close(): Promise<void>;
}

export async function startTestApi(
  opts: { users?: Record<string, UserInfo>; authorizer?: Authorizer; store?: Store } = {},
): Promise<TestApi> {
  const store = opts.store ?? openMemoryStore();
  const registry = new ResourceRegistry([...builtinResourceTypes(), ...platformResourceTypes()]);
  const users: Record<string, UserInfo> = {
    admin: { name: "admin", groups: ["system:masters"] },
    ...opts.users,
  };
  const authenticator: Authenticator = {
    async authenticate(r) {
      const h = r.headers.authorization;
      if (!h) return undefined;
      const u = users[h.replace(/^Bearer /, "")];
      if (!u) throw errors.unauthorized();
      return u;
    },
  };
  const log = pino({ level: "silent" });
  const objects = new ObjectStore(store);
  await ensureObjects(store, registry, [
    { apiVersion: "v1", kind: "Namespace", metadata: { name: "default" }, status: { phase: "Active" } },
  ]);
  const nsType = registry.lookup("", "v1", "namespaces")!;
  const admission = new AdmissionChain(log).use(
    namespaceLifecycle((n) => objects.tryGet(nsType, undefined, n)),
  );
  const controllers = [startCrdController(store, registry), startNamespaceController(store, registry)];
  await Promise.all(controllers.map((c) => c.synced));
  const server = new ApiServer({
    store,
    registry,
    authenticator,
    // The hub's default roles, so every authenticated user has discovery and self reviews.
    authorizer: opts.authorizer ?? rbacAuthorizer(MemoryRbacSource.of(bootstrapRbac())),
    log,
    metricsRegistry: new Registry(),
    kubernetesVersion: "v1.30.0",
    admission,
    bookmarkIntervalMs: 200,
  });
  const http = createServer(server.handle);
  await new Promise<void>((r) => http.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const req: TestApi["req"] = (method, path, o = {}) =>
    fetch(url + path, {
      method,
      headers: {
        ...(o.token === "" ? {} : { authorization: `Bearer ${o.token ?? "admin"}` }),
        ...(o.body !== undefined || o.raw !== undefined
          ? { "content-type": o.contentType ?? "application/json" }
          : {}),
        ...(o.accept ? { accept: o.accept } : {}),
      },
      body: o.raw ?? (o.body === undefined ? undefined : JSON.stringify(o.body)),
    });
  return {
    url,
    store,
    server,
    req,
    async json<T>(method: string, path: string, body?: unknown) {
      const r = await req(method, path, { body });
      return { status: r.status, body: (await r.json()) as T };
    },
    async close() {
      server.shutdown();
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
      await Promise.all(controllers.map((c) => c.stop()));
      await store.close();
    },
  };
}
