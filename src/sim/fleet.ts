// A fleet of simulated clusters in one process: starts one SimCluster per profile (a few at a
// time, reporting progress), all driven by one shared scheduler; writes a kubeconfig per cluster
// (`<out>/<name>.kubeconfig`, usable by the real kubectl) and the fleet index `<out>/fleet.json`
// (clusters, servers, kubeconfigs, labels, and the control API's address); serves the control
// API for fault injection. Certificates and tokens are cached under `<out>/pki/<name>/`.
import { mkdir } from "node:fs/promises";
import { join, resolve } from "node:path";
import pino, { type Logger } from "pino";
import { writeAtomic } from "../apiserver/auth/files.ts";
import { writeKubeconfig } from "../apiserver/auth/kubeconfig.ts";
import { SimCluster, type StartControllers } from "./cluster.ts";
import type { SimProfile } from "./context.ts";
import { ControlServer } from "./control.ts";
import { SimScheduler } from "./scheduler.ts";

export interface SimFleetOptions {
  profiles: SimProfile[];
  /** Kubeconfigs, fleet.json and the certificate cache. */
  outDir: string;
  /** Where clusters listen. Default 127.0.0.1. */
  host?: string;
  /** Cluster i listens on basePort + i; 0 (default) gives every cluster a free port. */
  basePort?: number;
  /** The control API's port on 127.0.0.1; 0 (default) picks a free one. */
  controlPort?: number;
  /** Clusters started at once. Default 8. */
  startConcurrency?: number;
  compactionIntervalMs?: number;
  /** How long an Event lives after its last update. Default 1 hour. */
  eventTtlMs?: number;
  /** Default: the workload controllers; false: API-only clusters. */
  startControllers?: StartControllers | false;
  log?: Logger;
  /** Called after each cluster has started. */
  onProgress?: (started: number, total: number, cluster: SimCluster) => void;
}

export interface FleetIndexEntry {
  name: string;
  server: string;
  kubeconfig: string;
  labels: Record<string, string>;
  kubernetesVersion: string;
  nodes: number;
}

export interface FleetIndex {
  control: string;
  clusters: FleetIndexEntry[];
}

export class SimFleet {
  readonly clusters: SimCluster[] = [];
  readonly outDir: string;
  readonly scheduler: SimScheduler;
  control!: ControlServer;
  private readonly byName = new Map<string, SimCluster>();
  private readonly log: Logger;

  private constructor(outDir: string, log: Logger) {
    this.outDir = outDir;
    this.log = log;
    this.scheduler = new SimScheduler({
      onError: (err, task) => this.log.warn({ err: String(err), task }, "periodic task failed"),
    });
  }

  static async start(opts: SimFleetOptions): Promise<SimFleet> {
    const names = new Set(opts.profiles.map((p) => p.name));
    if (names.size !== opts.profiles.length) throw new Error("cluster names must be unique");
    const fleet = new SimFleet(resolve(opts.outDir), opts.log ?? pino({ level: "silent" }));
    try {
      await mkdir(join(fleet.outDir, "pki"), { recursive: true, mode: 0o700 });
      await fleet.startClusters(opts);
      fleet.control = await ControlServer.start(fleet, "127.0.0.1", opts.controlPort ?? 0);
      await fleet.writeFiles();
    } catch (e) {
      await fleet.stop();
      throw e;
    }
    return fleet;
  }

  cluster(name: string): SimCluster | undefined {
    return this.byName.get(name);
  }

  kubeconfigPath(name: string): string {
    return join(this.outDir, `${name}.kubeconfig`);
  }

  get indexPath(): string {
    return join(this.outDir, "fleet.json");
  }

  index(): FleetIndex {
    return {
      control: this.control?.url ?? "",
      clusters: this.clusters.map((c) => ({
        name: c.name,
        server: c.url,
        kubeconfig: this.kubeconfigPath(c.name),
        labels: c.profile.labels,
        kubernetesVersion: c.profile.kubernetesVersion,
        nodes: c.profile.nodes,
      })),
    };
  }

  async stop(): Promise<void> {
    this.scheduler.stop();
    await this.control?.close();
    // Stopping is cheap per cluster; a bounded batch keeps a 1,000-cluster shutdown quick.
    await inBatches(this.clusters, 32, (c) =>
      c.stop().catch((err) => this.log.warn({ err: String(err), cluster: c.name }, "stopping cluster")),
    );
  }

  private async startClusters(opts: SimFleetOptions): Promise<void> {
    const started: (SimCluster | undefined)[] = new Array(opts.profiles.length);
    let done = 0;
    await inBatches(
      opts.profiles.map((p, i) => ({ p, i })),
      opts.startConcurrency ?? 8,
      async ({ p, i }) => {
        const c = await SimCluster.start({
          profile: p,
          scheduler: this.scheduler,
          pkiDir: join(this.outDir, "pki", p.name),
          host: opts.host,
          port: opts.basePort ? opts.basePort + i : 0,
          log: this.log,
          compactionIntervalMs: opts.compactionIntervalMs,
          eventTtlMs: opts.eventTtlMs,
          startControllers: opts.startControllers,
        });
        started[i] = c;
        this.byName.set(c.name, c);
        opts.onProgress?.(++done, opts.profiles.length, c);
      },
      // Clusters that did start are kept, so stop() can close them.
      () => this.clusters.splice(0, this.clusters.length, ...started.filter((c) => c !== undefined)),
    );
    this.clusters.splice(0, this.clusters.length, ...(started as SimCluster[]));
  }

  private async writeFiles(): Promise<void> {
    await inBatches(this.clusters, 32, (c) => writeKubeconfig(this.kubeconfigPath(c.name), c.kubeconfig()));
    await writeAtomic(this.indexPath, `${JSON.stringify(this.index(), null, 2)}\n`, 0o600);
  }
}

/** Runs `fn` over items with at most `limit` in flight; on failure runs `onError` and rethrows. */
async function inBatches<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
  onError?: () => void,
): Promise<void> {
  let next = 0;
  let failed: unknown;
  const worker = async () => {
    while (next < items.length && failed === undefined) {
      const item = items[next++];
      try {
        await fn(item);
      } catch (e) {
        failed ??= e;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failed !== undefined) {
    onError?.();
    throw failed;
  }
}
