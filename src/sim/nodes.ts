// Node heartbeats of one simulated cluster, driven by the fleet's shared scheduler: every
// nodeHeartbeatMs each healthy node's Lease in kube-node-lease is renewed, and its Ready
// condition is re-posted only every `statusEveryMs` (as kubelet's nodeStatusReportFrequency) or
// when it changes. Nodes named in faults.nodesNotReady go quiet: their lease is no longer
// renewed, and the node lifecycle controller's view is written at once (conditions Unknown,
// reason NodeStatusUnknown, unreachable taints), until the fault clears.
import type { Condition, KubeObject } from "../apis/meta/types.ts";
import type { InternalClient } from "../apiserver/client/internal-client.ts";
import { nowRfc3339 } from "../apiserver/handlers/prepare.ts";
import type { FaultState, SimProfile } from "./context.ts";
import {
  leaseObject,
  microTime,
  nodeNames,
  readyConditions,
  UNREACHABLE_TAINT,
  unknownConditions,
} from "./node-objects.ts";
import type { PeriodicTask, SimScheduler } from "./scheduler.ts";

export interface NodeHeartbeatOptions {
  client: InternalClient;
  profile: SimProfile;
  faults: FaultState;
  scheduler: SimScheduler;
  /** How often an unchanged Ready condition is re-posted. Default max(6 heartbeats, 1 minute). */
  statusEveryMs?: number;
}

const NODE = { apiVersion: "v1", kind: "Node" } as const;
const LEASE = { apiVersion: "coordination.k8s.io/v1", kind: "Lease", namespace: "kube-node-lease" } as const;

interface Taint {
  key: string;
  effect: string;
  value?: string;
  timeAdded?: string;
}

export class NodeHeartbeats {
  private readonly opts: NodeHeartbeatOptions;
  private readonly names: string[];
  private readonly statusEveryMs: number;
  /** Per node: whether Ready was last posted True, and when its status was last written. */
  private readonly posted = new Map<string, { ready: boolean; at: number }>();
  private task?: PeriodicTask;

  constructor(opts: NodeHeartbeatOptions) {
    this.opts = opts;
    this.names = nodeNames(opts.profile);
    this.statusEveryMs = opts.statusEveryMs ?? Math.max(6 * opts.profile.nodeHeartbeatMs, 60_000);
    const now = Date.now();
    for (const n of this.names) this.posted.set(n, { ready: true, at: now });
  }

  start(): void {
    this.task ??= this.opts.scheduler.every(
      `heartbeat ${this.opts.profile.name}`,
      this.opts.profile.nodeHeartbeatMs,
      () => this.beat(),
    );
  }

  /** Applies changed faults now instead of at the next heartbeat. */
  poke(): void {
    this.task?.poke();
  }

  stop(): void {
    this.task?.cancel();
    this.task = undefined;
  }

  /** One heartbeat of every node. */
  async beat(): Promise<void> {
    const now = Date.now();
    for (const name of this.names) {
      const ready = !this.opts.faults.nodesNotReady.has(name);
      if (ready) await this.renewLease(name);
      const last = this.posted.get(name)!;
      if (last.ready === ready && now - last.at < this.statusEveryMs) continue;
      const written = ready ? await this.postReady(name) : await this.markUnknown(name);
      if (written) this.posted.set(name, { ready, at: now });
    }
  }

  private async renewLease(name: string): Promise<void> {
    const { client } = this.opts;
    const renewed = await client.mutate({ ...LEASE, name }, (lease) => {
      (lease.spec as Record<string, unknown>).renewTime = microTime();
      return lease;
    });
    if (renewed) return;
    // Someone deleted the lease: kubelet creates it again, but only for a node that still exists.
    const node = await client.get({ ...NODE, name });
    if (node) await client.create(leaseObject(node)).catch(() => {});
  }

  private async postReady(name: string): Promise<boolean> {
    const { client } = this.opts;
    const now = nowRfc3339();
    const node = await client.mutate(
      { ...NODE, name },
      (n) => {
        const status = (n.status ?? {}) as { conditions?: Condition[] };
        const wasReady = status.conditions?.find((c) => c.type === "Ready")?.status === "True";
        const since = wasReady
          ? (status.conditions?.find((c) => c.type === "Ready")?.lastTransitionTime ?? now)
          : now;
        n.status = { ...status, conditions: readyConditions(now, since) };
        return n;
      },
      { status: true },
    );
    if (!node) return false;
    await this.setUnreachableTaints(node, false);
    return true;
  }

  private async markUnknown(name: string): Promise<boolean> {
    const now = nowRfc3339();
    const node = await this.opts.client.mutate(
      { ...NODE, name },
      (n) => {
        const status = (n.status ?? {}) as { conditions?: Condition[] };
        n.status = { ...status, conditions: unknownConditions(status.conditions ?? [], now) };
        return n;
      },
      { status: true },
    );
    if (!node) return false;
    await this.setUnreachableTaints(node, true);
    return true;
  }

  /** The taints the node lifecycle controller adds to an unreachable node, and removes after. */
  private async setUnreachableTaints(node: KubeObject, on: boolean): Promise<void> {
    const has = ((node.spec as { taints?: Taint[] })?.taints ?? []).some((t) => t.key === UNREACHABLE_TAINT);
    if (has === on) return;
    await this.opts.client.mutate({ ...NODE, name: node.metadata.name! }, (n) => {
      const spec = (n.spec ?? {}) as { taints?: Taint[] };
      const others = (spec.taints ?? []).filter((t) => t.key !== UNREACHABLE_TAINT);
      const taints = on
        ? [
            ...others,
            { key: UNREACHABLE_TAINT, effect: "NoSchedule" },
            { key: UNREACHABLE_TAINT, effect: "NoExecute", timeAdded: nowRfc3339() },
          ]
        : others;
      n.spec = { ...spec, taints };
      if (taints.length === 0) delete (n.spec as { taints?: Taint[] }).taints;
      return n;
    });
  }
}
