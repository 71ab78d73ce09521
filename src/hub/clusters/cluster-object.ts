// Typed reads of the Cluster fields the controllers act on (mode, interval, heartbeat, Ready),
// with the schema's defaults applied, so no controller re-implements them.
import type { KubeObject } from "../../apis/meta/types.ts";
import { parseDuration } from "../../cli/duration.ts";
import { type Condition, type ConditionStatus, findCondition, READY } from "./conditions.ts";

export const DEFAULT_SYNC_INTERVAL_MS = 30_000;
/** Sub-second intervals would turn heartbeats into a load test; tests use 100 ms at the least. */
const MIN_SYNC_INTERVAL_MS = 100;

export interface ClusterSpecFields {
  apiEndpoint?: string;
  caData?: string;
  syncInterval?: string;
  mode?: "Push" | "Pull";
  credentialRef?: string;
}

interface ClusterStatusFields {
  conditions?: Condition[];
  lastHeartbeatTime?: string;
}

export function clusterSpec(c: KubeObject): ClusterSpecFields {
  return (c.spec ?? {}) as ClusterSpecFields;
}

export function clusterMode(c: KubeObject): "Push" | "Pull" {
  return clusterSpec(c).mode === "Push" ? "Push" : "Pull";
}

export function syncIntervalMs(c: KubeObject): number {
  const ms = parseDuration(clusterSpec(c).syncInterval ?? "");
  return ms === undefined || ms <= 0 ? DEFAULT_SYNC_INTERVAL_MS : Math.max(ms, MIN_SYNC_INTERVAL_MS);
}

/** lastHeartbeatTime in ms since the epoch, or undefined if never. */
export function lastHeartbeatMs(c: KubeObject): number | undefined {
  const t = Date.parse((c.status as ClusterStatusFields | undefined)?.lastHeartbeatTime ?? "");
  return Number.isNaN(t) ? undefined : t;
}

export function readyStatus(c: KubeObject): ConditionStatus | undefined {
  return findCondition((c.status as ClusterStatusFields | undefined)?.conditions, READY)?.status;
}
