// What the agent endpoint reads from and writes to a Cluster object: its reference, the user its
// agent authenticates as, and the Welcome its spec implies. The interval and the user name come
// from the cluster registry (src/hub/clusters/) so that the health controller judges heartbeats
// by the same interval the agent is told, and unjoin revokes exactly the credentials issued here.
import type { Welcome } from "../../apis/agent/v1/protocol.ts";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { ObjectRef } from "../../apiserver/client/internal-client.ts";
import { clusterMode, syncIntervalMs } from "../clusters/cluster-object.ts";

export { clusterUserName } from "../clusters/unjoin.ts";
export { clusterMode };

export const CLUSTER_AGENT_PURPOSE = "cluster-agent";
export const CLUSTERS_GROUP = "mcp:clusters";

export const clusterRef = (name: string): ObjectRef => ({ apiVersion: API_VERSION, kind: "Cluster", name });

export function acceptsClient(cluster: KubeObject): boolean {
  return (cluster.spec as { hubAcceptsClient?: boolean } | undefined)?.hubAcceptsClient === true;
}

export function welcomeFor(cluster: KubeObject): Welcome {
  return { sync_interval_ms: syncIntervalMs(cluster), pending_approval: !acceptsClient(cluster) };
}
