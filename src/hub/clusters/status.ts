// Writes what is known about a member cluster onto its Cluster object: a heartbeat (from the
// agent's stream or the push poller) replaces the observed status, stamps lastHeartbeatTime and
// sets Ready/Reachable True; the health controller and the poller set other condition values.
// Every write goes through the status subresource with retry on conflict (the agent endpoint,
// the health controller and users may write the same Cluster concurrently), and every condition
// transition is recorded as an Event.
import type { Logger } from "pino";
import type { ObservedClusterStatus } from "../../agent/status/collect.ts";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { errors } from "../../apiserver/errors.ts";
import { recordEvent } from "../events/record.ts";
import {
  applyConditions,
  type Condition,
  type ConditionUpdate,
  REACHABLE,
  READY,
  Reasons,
  type Transition,
} from "./conditions.ts";

export const clusterRef = (name: string) => ({ apiVersion: API_VERSION, kind: "Cluster", name });

/** The status fields a heartbeat replaces (everything the collector observes). */
const OBSERVED_FIELDS = ["kubernetesVersion", "nodes", "capacity", "allocatable", "components"] as const;

interface ClusterStatusShape {
  conditions?: Condition[];
  lastHeartbeatTime?: string;
  [field: string]: unknown;
}

export interface StatusWriteOptions {
  /** Where a failure to record an event is reported (the status write itself still counts). */
  log?: Pick<Logger, "warn">;
  /** The Events' reporting component. Default "cluster-controller". */
  component?: string;
}

const HEALTHY: ConditionUpdate[] = [
  { type: READY, status: "True", reason: Reasons.ClusterReady, message: "the cluster is reporting status" },
  {
    type: REACHABLE,
    status: "True",
    reason: Reasons.ClusterReachable,
    message: "the cluster's API server is reachable",
  },
];

/**
 * Records one heartbeat: the observed status replaces the previous one, lastHeartbeatTime is
 * now, Ready and Reachable are True. Throws NotFound when the Cluster does not exist (it was
 * unjoined): the caller should end the agent's session.
 */
export async function recordHeartbeat(
  client: InternalClient,
  clusterName: string,
  observed: ObservedClusterStatus,
  now: Date = new Date(),
  opts: StatusWriteOptions = {},
): Promise<void> {
  let transitions: Transition[] = [];
  const stored = await client.mutate(
    clusterRef(clusterName),
    (cluster) => {
      const status: ClusterStatusShape = { ...((cluster.status as ClusterStatusShape) ?? {}) };
      for (const f of OBSERVED_FIELDS) {
        if (observed[f] === undefined) delete status[f];
        else status[f] = observed[f];
      }
      // Full precision: health is judged in fractions of short test intervals too.
      status.lastHeartbeatTime = now.toISOString();
      const r = applyConditions(status.conditions, HEALTHY, seconds(now), cluster.metadata.generation);
      status.conditions = r.conditions;
      transitions = r.transitions;
      return { ...cluster, status };
    },
    { status: true },
  );
  if (!stored) throw errors.notFound({ group: "mcp.platform", resource: "clusters", name: clusterName });
  await recordTransitions(client, stored, transitions, now, opts);
}

/**
 * Sets conditions without touching the observed status. `when` is checked against the freshest
 * copy inside the retry loop, so a heartbeat that lands meanwhile wins over a stale verdict.
 * Returns the transitions (none when nothing changed, the Cluster is gone, or `when` said no).
 */
export async function setClusterConditions(
  client: InternalClient,
  clusterName: string,
  updates: ConditionUpdate[],
  now: Date = new Date(),
  opts: StatusWriteOptions & { when?: (cluster: KubeObject) => boolean; heartbeat?: boolean } = {},
): Promise<Transition[]> {
  let transitions: Transition[] = [];
  const stored = await client.mutate(
    clusterRef(clusterName),
    (cluster) => {
      transitions = [];
      if (opts.when && !opts.when(cluster)) return undefined;
      const status: ClusterStatusShape = { ...((cluster.status as ClusterStatusShape) ?? {}) };
      const r = applyConditions(status.conditions, updates, seconds(now), cluster.metadata.generation);
      if (!r.changed && !opts.heartbeat) return undefined;
      transitions = r.transitions;
      // A heartbeat that reports a problem still proves the agent is alive.
      const beat = opts.heartbeat ? { lastHeartbeatTime: now.toISOString() } : {};
      return { ...cluster, status: { ...status, ...beat, conditions: r.conditions } };
    },
    { status: true },
  );
  if (stored && transitions.length > 0) await recordTransitions(client, stored, transitions, now, opts);
  return transitions;
}

/** An agent heartbeat saying its member's API cannot be read: alive, but the member is unreachable. */
export function recordUnreachable(
  client: InternalClient,
  clusterName: string,
  message: string,
  now: Date = new Date(),
) {
  return setClusterConditions(client, clusterName, unreachableConditions(message), now, { heartbeat: true });
}

/** Push mode: the poll failed. Reachable=False and Ready=Unknown, both saying why. */
export function unreachableConditions(message: string): ConditionUpdate[] {
  return [
    { type: REACHABLE, status: "False", reason: Reasons.ClusterUnreachable, message },
    { type: READY, status: "Unknown", reason: Reasons.ClusterUnreachable, message },
  ];
}

/** Pull mode: heartbeats stopped. Nothing is known about the cluster any more. */
export function statusUnknownConditions(message: string): ConditionUpdate[] {
  return [
    { type: READY, status: "Unknown", reason: Reasons.ClusterStatusUnknown, message },
    { type: REACHABLE, status: "Unknown", reason: Reasons.ClusterStatusUnknown, message },
  ];
}

async function recordTransitions(
  client: InternalClient,
  cluster: KubeObject,
  transitions: Transition[],
  now: Date,
  opts: StatusWriteOptions,
): Promise<void> {
  for (const t of transitions) {
    try {
      await recordEvent(
        client,
        {
          involved: cluster,
          type: t.to === "True" ? "Normal" : "Warning",
          reason: t.reason,
          message: `${t.type} is ${t.to}${t.from ? ` (was ${t.from})` : ""}: ${t.message}`,
          component: opts.component ?? "cluster-controller",
        },
        now,
      );
    } catch (err) {
      opts.log?.warn(
        { err: String(err), cluster: cluster.metadata.name, reason: t.reason },
        "recording an event failed",
      );
    }
  }
}

function seconds(d: Date): string {
  return `${d.toISOString().slice(0, 19)}Z`;
}
