// Keeps live agent sessions in step with their Cluster objects: approval (spec.hubAcceptsClient)
// or a new spec.syncInterval reaches the agent as a fresh Welcome, and an unjoin (the Cluster
// marked for deletion or gone) as a Goodbye. Every hub replica runs one for its own streams.
import type { Logger } from "pino";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { Informer } from "../../apiserver/controllers/informer.ts";
import { welcomeFor } from "./cluster-ref.ts";
import type { AgentStreamExtension } from "./connect.ts";
import type { AgentSessions } from "./sessions.ts";

export function watchClustersForSessions(
  client: InternalClient,
  sessions: AgentSessions,
  log: Logger,
  extensions: AgentStreamExtension[],
): Informer {
  return client.informer(API_VERSION, "Cluster", {
    upsert(cluster: KubeObject) {
      const session = sessions.get(cluster.metadata.name!);
      if (!session || session.closed) return;
      if (cluster.metadata.deletionTimestamp) {
        session.goodbye(`cluster "${session.clusterName}" was unjoined`);
        return;
      }
      const next = welcomeFor(cluster);
      const current = session.welcome;
      if (
        next.pending_approval === current.pending_approval &&
        next.sync_interval_ms === current.sync_interval_ms
      )
        return;
      log.info({ cluster: session.clusterName, ...next }, "cluster spec changed; sending a new Welcome");
      session.sendWelcome(next);
      if (current.pending_approval && !next.pending_approval && session.hello)
        for (const x of extensions) x.connected?.(session, session.hello);
    },
    delete(cluster: KubeObject) {
      sessions.get(cluster.metadata.name!)?.goodbye(`cluster "${cluster.metadata.name}" was unjoined`);
    },
  });
}
