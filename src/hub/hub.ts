// The hub process: opens the data directory (SQLite store, PKI, admin kubeconfig), bootstraps
// system objects, assembles the API server with MCP's kinds, admission and controllers, and
// serves HTTPS. startHub() is what `mcp-server` runs and what in-process tests start.
import { mkdir } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import pino, { type Logger } from "pino";
import { Registry } from "prom-client";
import { platformResourceTypes } from "../apis/mcp.platform/v1/index.ts";
import { AdmissionChain } from "../apiserver/admission/chain.ts";
import { namespaceLifecycle } from "../apiserver/admission/namespace-lifecycle.ts";
import { AuditLog } from "../apiserver/audit.ts";
import { createAuthenticator } from "../apiserver/auth/authn.ts";
import { ensurePki } from "../apiserver/auth/pki.ts";
import { rbacAuthorizer } from "../apiserver/auth/rbac.ts";
import { StoreRbacCache } from "../apiserver/auth/rbac-cache.ts";
import { InternalClient } from "../apiserver/client/internal-client.ts";
import { startCrdController } from "../apiserver/controllers/crd.ts";
import { startGarbageCollector } from "../apiserver/controllers/gc.ts";
import { startNamespaceController } from "../apiserver/controllers/namespace.ts";
import { applyServingTimeouts } from "../apiserver/http/serving.ts";
import { ObjectStore } from "../apiserver/registry/object-store.ts";
import { builtinResourceTypes } from "../apiserver/resources/builtin.ts";
import { ResourceRegistry } from "../apiserver/resources/registry.ts";
import { ApiServer } from "../apiserver/server.ts";
import { openSqliteStore } from "../storage/sqlite/sqlite-store.ts";
import type { Store } from "../storage/store.ts";
import { ensureAdminKubeconfig } from "./admin-kubeconfig.ts";
import { handleBootstrapTokenRequest } from "./agent-endpoint/bootstrap-token.ts";
import { startAgentEndpoint } from "./agent-endpoint/server.ts";
import type { AgentSessions } from "./agent-endpoint/sessions.ts";
import { bootstrapHub } from "./bootstrap.ts";
import {
  CredentialStore,
  clusterJoinHandler,
  loadEncryptionKey,
  MemberLinks,
  recordUnreachable,
  startClusterControllers,
} from "./clusters/index.ts";
import { startCompaction } from "./compaction.ts";
import { diagnosticScanHandler } from "./diag/scan-handler.ts";
import { EventExpiry } from "./events/expiry.ts";
import type { HubOptions } from "./options.ts";
import { startPolicyEngine } from "./policy/engine.ts";
import { startPropagation } from "./propagation/index.ts";
import { startScheduler } from "./propagation/scheduler.ts";
import { handleTokenRequest } from "./token-request.ts";

export interface Hub {
  url: string;
  port: number;
  /** https://HOST:PORT of the agent endpoint (what `mcp-agent --hub` takes). */
  agentUrl: string;
  agentPort: number;
  /** The agents streaming to this hub right now. */
  agentSessions: AgentSessions;
  kubeconfigPath: string;
  caPath: string;
  store: Store;
  api: ApiServer;
  log: Logger;
  close(): Promise<void>;
}

export function hubLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { component: "mcp-server" },
      redact: {
        paths: ["*.authorization", "*.token", "*.keyPem", "*.password", "*.credentials", "*.credential"],
        censor: "[redacted]",
      },
    },
    pino.destination(2),
  );
}

export function hubResourceRegistry(): ResourceRegistry {
  return new ResourceRegistry([...builtinResourceTypes(), ...platformResourceTypes()]);
}

export async function startHub(opts: HubOptions, log: Logger = hubLogger(opts.logLevel)): Promise<Hub> {
  await mkdir(opts.dataDir, { recursive: true, mode: 0o700 });
  const pki = await ensurePki(opts.dataDir, {
    hosts: [opts.host, opts.agentHost, ...opts.tlsSans].filter((h) => h !== "0.0.0.0" && h !== "::"),
  });
  const store = await openSqliteStore({ path: join(opts.dataDir, "mcp.db"), durability: opts.durability });
  const registry = hubResourceRegistry();
  const created = await bootstrapHub(store, registry);
  const rbac = new StoreRbacCache({ store, onError: (err) => log.warn({ err: String(err) }, "rbac cache") });
  const objects = new ObjectStore(store);
  const nsType = registry.lookup("", "v1", "namespaces")!;
  const admission = new AdmissionChain(log).use(
    namespaceLifecycle((name) => objects.tryGet(nsType, undefined, name)),
  );
  const audit = opts.auditLogPath ? AuditLog.toFile(opts.auditLogPath) : undefined;
  const controllers: { synced: Promise<void>; stop(): Promise<void> }[] = [
    startCrdController(store, registry, log.child({ controller: "crd" })),
    startNamespaceController(store, registry, log.child({ controller: "namespace" })),
    startGarbageCollector(store, registry, log.child({ controller: "garbage-collector" })),
  ];
  let synced = false;
  // Set once the agent endpoint is up (it starts after the API server); scans read it per request.
  let agentSessions: AgentSessions | undefined;
  const metricsRegistry = new Registry();
  const client = new InternalClient(objects, registry, log.child({ component: "internal-client" }));
  const credentials = new CredentialStore(store, await loadEncryptionKey(opts.dataDir));
  // One connection pool per push member, shared by the poller, the push syncer, audits and scans;
  // the cluster controllers close a member's on unjoin, close() the rest.
  const links = new MemberLinks();
  if (opts.eventTtlMs > 0)
    controllers.push(
      new EventExpiry({
        store,
        registry,
        log: log.child({ controller: "event-expiry" }),
        ttlMs: opts.eventTtlMs,
      }),
    );
  const policy = startPolicyEngine({ client, credentials, links, log: log.child({ component: "policy" }) });
  for (const plugin of policy.admission) admission.use(plugin);
  controllers.push(policy);
  controllers.push(startScheduler({ client, log: log.child({ controller: "scheduler" }) }));
  const propagation = startPropagation({
    client,
    credentials,
    links,
    log: log.child({ component: "propagation" }),
    metrics: metricsRegistry,
  });
  controllers.push(propagation);
  const clusters = startClusterControllers({
    store,
    client,
    credentials,
    links,
    log: log.child({ component: "clusters" }),
    metrics: metricsRegistry,
    missedHeartbeats: opts.clusterMissedHeartbeats,
  });
  const api = new ApiServer({
    store,
    registry,
    authenticator: createAuthenticator({ store }),
    authorizer: rbacAuthorizer(rbac),
    log: log.child({ component: "apiserver" }),
    metricsRegistry,
    kubernetesVersion: opts.kubernetesVersion,
    admission,
    audit,
    maxBodyBytes: opts.maxBodyBytes,
    bookmarkIntervalMs: opts.bookmarkIntervalMs,
    subresources: { "serviceaccounts/token": handleTokenRequest },
    handlers: {
      "mcp.platform/bootstraptokens": handleBootstrapTokenRequest,
      "mcp.platform/clusterjoins": clusterJoinHandler({
        client,
        credentials,
        log: log.child({ component: "cluster-join" }),
      }),
      "mcp.platform/diagnosticscans": diagnosticScanHandler({
        client,
        credentials,
        links,
        sessions: () => agentSessions,
        log: log.child({ component: "diagnostic-scan" }),
      }),
    },
    ready: () => synced,
  });
  await Promise.all([rbac.ready, clusters.synced, ...controllers.map((c) => c.synced)]);
  synced = true;
  const server = createServer(
    {
      cert: pki.serving.certPem,
      key: pki.serving.keyPem,
      ca: pki.ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    api.handle,
  );
  applyServingTimeouts(server);
  await listen(server, opts.host, opts.port);
  const port = (server.address() as AddressInfo).port;
  const host = opts.host === "0.0.0.0" || opts.host === "::" ? "127.0.0.1" : opts.host;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const kubeconfigPath = await ensureAdminKubeconfig(opts.dataDir, url, pki);
  const agents = await startAgentEndpoint({
    host: opts.agentHost,
    port: opts.agentPort,
    serving: pki.serving,
    store,
    client,
    log: log.child({ component: "agent-endpoint" }),
    metricsRegistry,
    requireApproval: opts.requireApproval,
    heartbeats: {
      recordHeartbeat: (_c, name, observed) => clusters.recordHeartbeat(name, observed),
      async recordUnreachable(c, name, message, now) {
        await recordUnreachable(c, name, message, now);
      },
    },
  });
  agentSessions = agents.sessions;
  agents.extend(policy.agentExtension);
  agents.extend(propagation.pull);
  clusters.onUnjoined((name) => agents.sessions.get(name)?.goodbye(`cluster "${name}" was unjoined`));
  const compaction = startCompaction(store, opts.compactionIntervalMs, log);
  log.info(
    { url, agentUrl: agents.url, dataDir: opts.dataDir, bootstrapped: created, generated: pki.generated },
    "hub serving",
  );

  return {
    url,
    port,
    agentUrl: agents.url,
    agentPort: agents.port,
    agentSessions: agents.sessions,
    kubeconfigPath,
    caPath: pki.paths.caCert,
    store,
    api,
    log,
    async close() {
      api.shutdown();
      await agents.close();
      compaction.stop();
      const closed = new Promise<void>((r) => server.close(() => r()));
      const grace = setTimeout(() => server.closeAllConnections(), opts.shutdownGraceMs);
      server.closeIdleConnections();
      await closed;
      clearTimeout(grace);
      await Promise.all([clusters.stop(), ...controllers.map((c) => c.stop())]);
      await links.close();
      await rbac.close();
      await audit?.close();
      await store.close();
      log.info("hub stopped");
    },
  };
}

function listen(server: Server, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
}
