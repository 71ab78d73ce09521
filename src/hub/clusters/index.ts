// The hub's cluster registry controllers, started together over one informer on Clusters: the
// health controller (pull clusters that stop sending heartbeats become Unknown), the push-mode
// poller, the readiness gauge, and the unjoin cleanup (credentials revoked and deleted when a
// Cluster is deleted; listeners told so the agent endpoint can say Goodbye). Also the one place
// the rest of the hub imports the cluster registry from.
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { ObservedClusterStatus } from "../../agent/status/collect.ts";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { Store } from "../../storage/store.ts";
import { readyStatus } from "./cluster-object.ts";
import type { CredentialStore } from "./credentials.ts";
import { HealthController } from "./health.ts";
import type { MemberLinks } from "./member.ts";
import { clusterMetrics, readyValue } from "./metrics.ts";
import { PushPoller, type PushPollerOptions } from "./push.ts";
import { clusterRef, recordHeartbeat } from "./status.ts";
import { UnjoinCleanup, type UnjoinListener } from "./unjoin.ts";

export type { ObservedClusterStatus } from "../../agent/status/collect.ts";
export { recordEvent } from "../events/record.ts";
export { CredentialStore, loadEncryptionKey, type MemberCredential } from "./credentials.ts";
export { type ClusterJoinDeps, clusterJoinHandler } from "./join.ts";
export { type MemberLink, MemberLinks } from "./member.ts";
export { ObservedStatusError, observedFromJson } from "./observed.ts";
export { recordHeartbeat, recordUnreachable, setClusterConditions } from "./status.ts";
export { clusterUserName, type UnjoinListener } from "./unjoin.ts";

export interface ClusterControllersOptions {
  store: Store;
  /** The hub's in-process client. */
  client: InternalClient;
  credentials: CredentialStore;
  log: Logger;
  /** The hub's metrics registry. */
  metrics: Registry;
  /** The hub's links to push members, shared with propagation and audits. Default: the poller's own. */
  links?: MemberLinks;
  /** Heartbeats a pull cluster may miss before it is Ready=Unknown. Default 3. */
  missedHeartbeats?: number;
  /** Push polls at once. Default 16. */
  pushConcurrency?: number;
  /** Deadline of each request to a push member. Default 10 s. */
  pushTimeoutMs?: number;
  /** Substitute collector for the push poller (tests). */
  collect?: PushPollerOptions["collect"];
}

export interface ClusterControllers {
  /** Resolves when the first list of Clusters has been handled. */
  synced: Promise<void>;
  /** recordHeartbeat with the write-latency metric; for the agent endpoint. Throws NotFound for an unjoined cluster. */
  recordHeartbeat(cluster: string, observed: ObservedClusterStatus): Promise<void>;
  /** Called with a cluster's name after it was unjoined and its credentials revoked. Returns the unsubscribe. */
  onUnjoined(listener: UnjoinListener): () => void;
  stop(): Promise<void>;
}

export function startClusterControllers(opts: ClusterControllersOptions): ClusterControllers {
  const metrics = clusterMetrics(opts.metrics);
  const health = new HealthController({
    client: opts.client,
    log: opts.log.child({ controller: "cluster-health" }),
    missedHeartbeats: opts.missedHeartbeats,
  });
  const push = new PushPoller({
    client: opts.client,
    credentials: opts.credentials,
    log: opts.log.child({ controller: "cluster-push" }),
    metrics,
    links: opts.links,
    concurrency: opts.pushConcurrency,
    timeoutMs: opts.pushTimeoutMs,
    collect: opts.collect,
  });
  const unjoin = new UnjoinCleanup({
    store: opts.store,
    credentials: opts.credentials,
    log: opts.log.child({ controller: "cluster-unjoin" }),
    lookup: (name) => opts.client.get(clusterRef(name)),
  });
  /** name → uid of every Cluster seen, to clean up after deletes a relist reveals. */
  const known = new Map<string, string | undefined>();

  const forget = async (name: string, uid: string | undefined) => {
    known.delete(name);
    health.remove(name);
    push.remove(name);
    metrics.ready.remove({ cluster: name });
    await unjoin.cleanup(name, uid);
  };

  const informer = opts.client.informer(API_VERSION, "Cluster", {
    upsert(c: KubeObject) {
      const name = c.metadata.name!;
      known.set(name, c.metadata.uid);
      health.upsert(c);
      push.upsert(c);
      metrics.ready.set({ cluster: name }, readyValue(readyStatus(c)));
    },
    async delete(c: KubeObject) {
      await forget(c.metadata.name!, c.metadata.uid);
    },
    async synced(all: KubeObject[]) {
      const present = new Set(all.map((c) => c.metadata.name!));
      for (const [name, uid] of [...known]) if (!present.has(name)) await forget(name, uid);
      await unjoin.collectOrphans(all);
    },
  });

  return {
    synced: informer.synced,
    async recordHeartbeat(cluster, observed) {
      const end = metrics.heartbeatWrite.startTimer();
      try {
        await recordHeartbeat(opts.client, cluster, observed, new Date(), {
          log: opts.log,
          component: "agent-endpoint",
        });
      } finally {
        end();
      }
    },
    onUnjoined: (listener) => unjoin.onUnjoined(listener),
    async stop() {
      await informer.stop();
      await Promise.all([health.stop(), push.stop()]);
    },
  };
}
