// Propagation at the hub, past the scheduler (docs/propagation.md): one cache of what it reads,
// the work builder (bindings → Work per cluster), pull sync (an extension of the agent streams),
// push sync (the hub applies to push members), the status controller (Work status → bindings →
// templates) and their metrics. startPropagation() is what the hub runs; the hub attaches `pull`
// to its agent endpoint.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { AgentStreamExtension } from "../agent-endpoint/connect.ts";
import type { CredentialStore } from "../clusters/credentials.ts";
import type { MemberLinks } from "../clusters/member.ts";
import { AckBuffer } from "./ack-buffer.ts";
import { PropagationCache } from "./cache.ts";
import { PropagationMetrics } from "./metrics.ts";
import { StatusController } from "./status.ts";
import { PullSync } from "./sync-pull.ts";
import { type PushApplier, PushSync } from "./sync-push.ts";
import { WorkBuilder } from "./work-builder.ts";
import { type Ack, recordAck } from "./work-status.ts";

export interface PropagationOptions {
  client: InternalClient;
  credentials: CredentialStore;
  /** The hub's links to push members, shared with the poller and audits. Default: the push syncer's own. */
  links?: MemberLinks;
  log: Logger;
  /** The hub's one Registry. */
  metrics: Registry;
  /** Work builder: wait after a cluster is first marked before building it. Default 10 ms. */
  coalesceMs?: number;
  /** Status controller: wait after a binding is first marked before writing it. Default 50 ms. */
  statusCoalesceMs?: number;
  /** Status controller: least time between writes of a binding, per target cluster. Default 0.5 ms. */
  statusSpacingMsPerCluster?: number;
  /** Bound of one WorkUpdate's payload. Default 3 MiB. */
  maxUpdateBytes?: number;
  /** Most bytes of changed manifests one Work revision carries. Default 2 MiB. */
  revisionBudgetBytes?: number;
  /** Push members synced at once. Default 8. */
  pushConcurrency?: number;
  /** Substitute push applier (tests). */
  newPushApplier?: ConstructorParameters<typeof PushSync>[0]["newApplier"];
}

export interface Propagation {
  /** Resolves once the first lists are in (Works can be served to agents). */
  synced: Promise<void>;
  /** Attach to the agent endpoint: `agents.extend(propagation.pull)`. */
  pull: AgentStreamExtension;
  cache: PropagationCache;
  builder: WorkBuilder;
  /** Resolves once nothing is queued anywhere (tests). */
  idle(): Promise<void>;
  stop(): Promise<void>;
}

export type { PushApplier };

export function startPropagation(opts: PropagationOptions): Propagation {
  const log = opts.log;
  const metrics = new PropagationMetrics(opts.metrics);
  const cache = new PropagationCache(opts.client, log.child({ controller: "propagation-cache" }));
  cache.subscribe({
    workChanged(cluster, _old, w) {
      const spec = w?.spec as { revision?: number } | undefined;
      const status = w?.status as { appliedRevision?: number } | undefined;
      metrics.work(cluster, w ? (spec?.revision ?? 0) : undefined, status?.appliedRevision);
    },
  });
  const writeAck = async (cluster: string, a: Ack) => {
    const { work, wrote } = await recordAck(opts.client, cluster, a, { base: cache.works.get(cluster) });
    // The cache learns of the write now, not when the watch event arrives: the next write to this
    // Work (the builder's, or the next ack's) is then based on it instead of meeting a Conflict.
    if (work && wrote) cache.noteWork(work);
  };
  const builder = new WorkBuilder({
    client: opts.client,
    cache,
    log: log.child({ controller: "work-builder" }),
    metrics,
    coalesceMs: opts.coalesceMs,
    revisionBudgetBytes: opts.revisionBudgetBytes,
  });
  const status = new StatusController({
    client: opts.client,
    cache,
    log: log.child({ controller: "propagation-status" }),
    overrideFailure: (b, c) => builder.overrideFailure(b, c),
    coalesceMs: opts.statusCoalesceMs,
    spacingMsPerCluster: opts.statusSpacingMsPerCluster,
  });
  builder.onFailuresChanged((ref) => status.failuresChanged(ref));
  // Acks are measured when they arrive and written once the builder has sent what is queued.
  const acks = new AckBuffer({
    write: writeAck,
    busy: () => builder.backlog > 0,
    log: log.child({ controller: "work-acks" }),
  });
  const ack = async (cluster: string, a: Ack) => {
    metrics.acked(cluster, a.revision);
    acks.add(cluster, a);
  };
  const pull = new PullSync({
    cache,
    log: log.child({ controller: "work-sync-pull" }),
    recordAck: ack,
    maxUpdateBytes: opts.maxUpdateBytes,
  });
  const push = new PushSync({
    client: opts.client,
    links: opts.links,
    cache,
    credentials: opts.credentials,
    log: log.child({ controller: "work-sync-push" }),
    recordAck: ack,
    concurrency: opts.pushConcurrency,
    newApplier: opts.newPushApplier,
  });
  return {
    synced: cache.synced,
    pull,
    cache,
    builder,
    async idle() {
      await cache.synced;
      // Each pass may queue another's (a Work write → status, an ack → prune): settle them all.
      for (let i = 0; i < 5; i++)
        await Promise.all([builder.idle(), acks.idle(), status.idle(), push.idle()]);
    },
    async stop() {
      await push.stop();
      await acks.stop();
      await Promise.all([builder.stop(), status.stop()]);
      await cache.stop();
    },
  };
}
