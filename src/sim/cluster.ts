// One simulated member cluster: the reusable ApiServer over its own memory Store, with
// Kubernetes' built-in kinds and defaulting, NamespaceLifecycle and DefaultStorageClass
// admission, a static admin token, and HTTPS with its own CA. It is seeded like a kubeadm
// cluster (kube-system.ts), its nodes heartbeat (nodes.ts), the CRD, namespace and workload
// controllers run against it (recording Events that expire after an hour), pods can be evicted
// (pods/eviction, honouring PodDisruptionBudgets), it serves simulated application metrics
// on /metrics and resource metrics as metrics-server does (metrics.k8s.io, metrics/api.ts).
// Faults change it at run time: API latency, going offline (the listener closes; it reopens on
// the same port), nodes NotReady, crash-looping workloads, degraded application metrics.

import type { IncomingMessage, ServerResponse } from "node:http";
import pino, { type Logger } from "pino";
import { Registry } from "prom-client";
import { AdmissionChain } from "../apiserver/admission/chain.ts";
import { namespaceLifecycle } from "../apiserver/admission/namespace-lifecycle.ts";
import type { WriteKubeconfigOptions } from "../apiserver/auth/kubeconfig.ts";
import { rbacAuthorizer } from "../apiserver/auth/rbac.ts";
import { MemoryRbacSource } from "../apiserver/auth/rbac-cache.ts";
import { InternalClient } from "../apiserver/client/internal-client.ts";
import { startCrdController } from "../apiserver/controllers/crd.ts";
import type { Informer } from "../apiserver/controllers/informer.ts";
import { startNamespaceController } from "../apiserver/controllers/namespace.ts";
import { ApiError, errors } from "../apiserver/errors.ts";
import { writeError } from "../apiserver/http/respond.ts";
import { ObjectStore } from "../apiserver/registry/object-store.ts";
import { ResourceRegistry } from "../apiserver/resources/registry.ts";
import { ApiServer } from "../apiserver/server.ts";
import { openMemoryStore } from "../storage/memory/memory-store.ts";
import type { Store } from "../storage/store.ts";
import { defaultStorageClass } from "./admission.ts";
import { AppMetrics } from "./app-metrics.ts";
import {
  type FaultState,
  noFaults,
  type SimController,
  type SimControllerContext,
  type SimProfile,
} from "./context.ts";
import { startWorkloadControllers } from "./controllers/index.ts";
import { clusterCredentials, staticTokenAuthenticator } from "./credentials.ts";
import { ServiceAllocator, simResourceTypes } from "./defaults/index.ts";
import { EventRecorder } from "./events/recorder.ts";
import { handleEviction } from "./eviction.ts";
import { applyFaultPatch, type FaultPatch } from "./faults.ts";
import { seedCluster } from "./kube-system.ts";
import { SwitchableListener } from "./listener.ts";
import { metricsApiHandlers } from "./metrics/api.ts";
import { nodeNames } from "./node-objects.ts";
import { NodeHeartbeats } from "./nodes.ts";
import { handlePodLogs } from "./pod-logs.ts";
import type { PeriodicTask, SimScheduler } from "./scheduler.ts";

export interface SimClusterOptions {
  profile: SimProfile;
  /** The fleet's shared timer for heartbeats and compaction. */
  scheduler: SimScheduler;
  /** Where the CA, serving certificate and admin token are kept (created when missing). */
  pkiDir: string;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 (default) picks a free port; it is kept when the cluster goes offline and back. */
  port?: number;
  log?: Logger;
  /** History older than this is compacted (watchers that far behind relist). Default 1 minute. */
  compactionIntervalMs?: number;
  /** Starts the workload controllers (default startWorkloadControllers); false runs none. */
  startControllers?: StartControllers | false;
  /** How long an Event lives after its last update. Default 1 hour, as kube-apiserver's --event-ttl. */
  eventTtlMs?: number;
}

/** How often expired Events are looked for at most (they live an hour; a minute late is fine). */
const EVENT_EXPIRY_CHECK_MS = 60_000;

/** Controllers may want to hear of fault changes at once rather than at their next check. */
export type StartControllers = (ctx: SimControllerContext) => SimController & { faultsChanged?(): void };

export class SimCluster {
  readonly name: string;
  readonly profile: SimProfile;
  readonly faults: FaultState = noFaults();
  readonly host: string;
  readonly store: Store;
  readonly client: InternalClient;
  readonly api: ApiServer;
  readonly caPem: string;
  readonly token: string;
  readonly nodeNames: string[];
  private readonly opts: SimClusterOptions;
  private readonly listener: SwitchableListener;
  private readonly metricsRegistry = new Registry();
  private readonly appMetrics: AppMetrics;
  private readonly informers: Informer[];
  private readonly heartbeats: NodeHeartbeats;
  private readonly stopSignal = new AbortController();
  private readonly log: Logger;
  private controllers?: ReturnType<StartControllers>;
  private compaction?: PeriodicTask;
  private eventExpiry?: PeriodicTask;
  /** The cluster's Events: what its controllers, scheduler and kubelets report. */
  readonly events: EventRecorder;
  private ready = false;

  private constructor(
    opts: SimClusterOptions,
    creds: { certPem: string; keyPem: string; caPem: string; token: string },
  ) {
    this.opts = opts;
    this.profile = opts.profile;
    this.name = opts.profile.name;
    this.host = opts.host ?? "127.0.0.1";
    this.caPem = creds.caPem;
    this.token = creds.token;
    this.nodeNames = nodeNames(opts.profile);
    this.log = (opts.log ?? pino({ level: "silent" })).child({ cluster: this.name });
    this.store = openMemoryStore();
    const registry = new ResourceRegistry(
      simResourceTypes(new ServiceAllocator(), this.profile.kubernetesVersion),
    );
    const objects = new ObjectStore(this.store);
    this.client = new InternalClient(objects, registry, this.log);
    const nsType = registry.lookup("", "v1", "namespaces")!;
    const admission = new AdmissionChain(this.log)
      .use(namespaceLifecycle((n) => objects.tryGet(nsType, undefined, n)))
      .use(defaultStorageClass(this.client));
    this.informers = [
      startCrdController(this.store, registry, this.log),
      startNamespaceController(this.store, registry, this.log),
    ];
    this.api = new ApiServer({
      store: this.store,
      registry,
      authenticator: staticTokenAuthenticator(creds.token),
      authorizer: rbacAuthorizer(new MemoryRbacSource()),
      log: this.log,
      metricsRegistry: this.metricsRegistry,
      kubernetesVersion: this.profile.kubernetesVersion,
      admission,
      ready: () => this.ready,
      subresources: { "pods/log": handlePodLogs, "pods/eviction": handleEviction },
      handlers: metricsApiHandlers({ faults: this.faults, resolutionMs: this.profile.metricResolutionMs }),
    });
    this.events = new EventRecorder({ client: this.client, log: this.log, ttlMs: opts.eventTtlMs });
    this.appMetrics = new AppMetrics(this.client, this.faults);
    this.heartbeats = new NodeHeartbeats({
      client: this.client,
      profile: this.profile,
      faults: this.faults,
      scheduler: opts.scheduler,
    });
    this.listener = new SwitchableListener({
      host: this.host,
      port: opts.port ?? 0,
      certPem: creds.certPem,
      keyPem: creds.keyPem,
      handler: this.handle,
    });
  }

  static async start(opts: SimClusterOptions): Promise<SimCluster> {
    const host = opts.host ?? "127.0.0.1";
    const { pki, token } = await clusterCredentials(opts.pkiDir, [advertised(host)]);
    const c = new SimCluster(opts, {
      certPem: pki.serving.certPem,
      keyPem: pki.serving.keyPem,
      caPem: pki.ca.certPem,
      token,
    });
    try {
      await c.boot();
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  /** The port the cluster listens on (kept while it is offline). */
  get port(): number {
    return this.listener.port;
  }

  /** Where clients reach the cluster (loopback when it listens on every address). */
  get url(): string {
    const host = advertised(this.host);
    return `https://${host.includes(":") ? `[${host}]` : host}:${this.port}`;
  }

  /** The admin kubeconfig's content (server, CA, token). */
  kubeconfig(): WriteKubeconfigOptions {
    return {
      server: this.url,
      caPem: this.caPem,
      user: { token: this.token },
      contextName: this.name,
      clusterName: this.name,
      userName: `${this.name}-admin`,
    };
  }

  /** Changes the named faults (in place, so controllers see them) and applies their effects. */
  async updateFaults(patch: FaultPatch): Promise<void> {
    // Traffic so far accrues under the faults that held while it was served.
    await this.appMetrics.advance().catch(() => {});
    applyFaultPatch(this.faults, patch, this.nodeNames);
    if (patch.nodesNotReady !== undefined) this.heartbeats.poke();
    if (patch.nodesNotReady !== undefined || patch.crashLoop !== undefined)
      this.controllers?.faultsChanged?.();
    if (patch.offline !== undefined) await this.syncListener();
  }

  async clearFaults(): Promise<void> {
    const clean = noFaults();
    await this.updateFaults({
      offline: clean.offline,
      apiLatencyMs: clean.apiLatencyMs,
      nodesNotReady: [],
      crashLoop: [],
      appErrorRate: clean.appErrorRate,
      appP99LatencyMs: clean.appP99LatencyMs,
      cpuLoad: {},
      memoryLoad: {},
    });
  }

  /** Runs one heartbeat of every node now (tests). */
  heartbeat(): Promise<void> {
    return this.heartbeats.beat();
  }

  async stop(): Promise<void> {
    this.stopSignal.abort();
    this.heartbeats.stop();
    this.compaction?.cancel();
    this.eventExpiry?.cancel();
    this.events.stop();
    await this.controllers
      ?.stop()
      .catch((err) => this.log.warn({ err: String(err) }, "stopping controllers"));
    this.api.shutdown();
    await this.listener.set(false);
    await Promise.all(this.informers.map((i) => i.stop()));
    await this.store.close();
  }

  private async boot(): Promise<void> {
    await Promise.all(this.informers.map((i) => i.synced));
    await this.syncListener();
    await seedCluster({
      client: this.client,
      profile: this.profile,
      caPem: this.caPem,
      apiHost: advertised(this.host),
      apiPort: this.port,
    });
    this.heartbeats.start();
    this.startCompaction();
    // Checked a few times per TTL at least, so a short --event-ttl is honoured closely too.
    const every = Math.max(100, Math.min(EVENT_EXPIRY_CHECK_MS, this.events.ttlMs / 4));
    this.eventExpiry = this.opts.scheduler.every(`events ${this.name}`, every, async () =>
      this.events.expire(),
    );
    const start = this.opts.startControllers ?? startWorkloadControllers;
    if (start) {
      this.controllers = start({
        cluster: this.name,
        client: this.client,
        profile: this.profile,
        faults: this.faults,
        log: this.log,
        signal: this.stopSignal.signal,
        events: this.events,
      });
      await this.controllers.synced;
    }
    this.ready = true;
  }

  /** Keeps `interval` of history: each run compacts to the revision the previous run saw. */
  private startCompaction(): void {
    const interval = this.opts.compactionIntervalMs ?? 60_000;
    let previous = 0;
    this.compaction = this.opts.scheduler.every(`compact ${this.name}`, interval, async () => {
      if (previous > 0) await this.store.compact(previous);
      previous = await this.store.currentRevision();
    });
  }

  private handle = (req: IncomingMessage, res: ServerResponse): void => {
    const delay = this.faults.apiLatencyMs;
    if (delay > 0) setTimeout(() => this.route(req, res), delay);
    else this.route(req, res);
  };

  private route(req: IncomingMessage, res: ServerResponse): void {
    if (!this.ready && !req.url?.startsWith("/healthz")) {
      writeError(res, new ApiError("ServiceUnavailable", "the cluster is starting"));
      return;
    }
    const path = (req.url ?? "/").split("?")[0];
    if (path === "/metrics" && (req.method === "GET" || req.method === "HEAD")) {
      void this.serveMetrics(res);
      return;
    }
    this.api.handle(req, res);
  }

  private async serveMetrics(res: ServerResponse): Promise<void> {
    try {
      const body = (await this.appMetrics.render()) + (await this.metricsRegistry.metrics());
      res.writeHead(200, { "content-type": "text/plain; version=0.0.4; charset=utf-8" });
      res.end(body);
    } catch (err) {
      this.log.warn({ err: String(err) }, "metrics failed");
      writeError(res, errors.internal("metrics are unavailable"));
    }
  }

  private syncListener(): Promise<void> {
    return this.listener.set(!this.faults.offline && !this.stopSignal.signal.aborted);
  }
}

/** A wildcard listen address is not somewhere a client can connect to; loopback is. */
function advertised(host: string): string {
  return host === "0.0.0.0" || host === "::" ? "127.0.0.1" : host;
}
