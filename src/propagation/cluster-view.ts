// What the scheduler reads of a Cluster, typed and with its defaults applied: labels, topology
// (region/zone/provider from spec, else the well-known topology labels, else the short labels —
// the same order `mcpctl get clusters` shows), taints, whether the hub accepts it, whether it is
// being deleted, its Ready condition (and since when) and its allocatable capacity.
import type { KubeObject } from "../apis/meta/types.ts";

export type TaintEffect = "NoSchedule" | "PreferNoSchedule" | "NoExecute";

export interface Taint {
  key: string;
  value?: string;
  effect: TaintEffect;
  /** When the taint was added (ms since the epoch), for NoExecute tolerationSeconds. */
  timeAdded?: number;
}

export type TopologyField = "region" | "zone" | "provider";

export interface ClusterView {
  name: string;
  labels: Readonly<Record<string, string>>;
  region?: string;
  zone?: string;
  provider?: string;
  taints: Taint[];
  /** Accepted by the hub: an approved pull cluster, or a push cluster with an endpoint. */
  accepted: boolean;
  deleting: boolean;
  /** The Ready condition: absent until the cluster first reported. */
  ready?: { status: "True" | "False" | "Unknown"; since?: number };
  /** status.allocatable (cpu, memory, pods ...) as reported. */
  allocatable?: Readonly<Record<string, string>>;
}

interface ClusterSpecShape {
  apiEndpoint?: string;
  mode?: string;
  hubAcceptsClient?: boolean;
  region?: string;
  zone?: string;
  provider?: string;
  taints?: { key: string; value?: string; effect: TaintEffect; timeAdded?: string }[];
}

interface ClusterStatusShape {
  conditions?: { type: string; status: "True" | "False" | "Unknown"; lastTransitionTime?: string }[];
  allocatable?: Record<string, string>;
}

const time = (s: string | undefined): number | undefined => {
  const t = Date.parse(s ?? "");
  return Number.isNaN(t) ? undefined : t;
};

/** spec.<field>, else topology.kubernetes.io/<field> (region and zone), else the label <field>. */
export function topologyOf(
  labels: Readonly<Record<string, string>>,
  spec: Partial<Record<TopologyField, string>>,
  field: TopologyField,
): string | undefined {
  return (
    spec[field] ||
    (field === "provider" ? "" : labels[`topology.kubernetes.io/${field}`]) ||
    labels[field] ||
    undefined
  );
}

export function clusterView(c: KubeObject): ClusterView {
  const spec = (c.spec ?? {}) as ClusterSpecShape;
  const status = (c.status ?? {}) as ClusterStatusShape;
  // Sorted, so that the signatures below do not depend on the order labels were written in.
  const labels = Object.fromEntries(
    Object.entries(c.metadata.labels ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)),
  );
  const push = spec.mode === "Push";
  const ready = status.conditions?.find((x) => x.type === "Ready");
  const view: ClusterView = {
    name: c.metadata.name!,
    labels,
    taints: (spec.taints ?? []).map((t) => ({
      key: t.key,
      ...(t.value !== undefined ? { value: t.value } : {}),
      effect: t.effect,
      ...(time(t.timeAdded) !== undefined ? { timeAdded: time(t.timeAdded) } : {}),
    })),
    accepted: spec.hubAcceptsClient === true || (push && !!spec.apiEndpoint),
    deleting: !!c.metadata.deletionTimestamp,
  };
  for (const f of ["region", "zone", "provider"] as const) {
    const v = topologyOf(labels, spec, f);
    if (v) view[f] = v;
  }
  if (ready) view.ready = { status: ready.status, since: time(ready.lastTransitionTime) };
  if (status.allocatable) view.allocatable = status.allocatable;
  return view;
}

/**
 * What of a Cluster can change a placement, as one string per concern, so that a heartbeat (a
 * new lastHeartbeatTime, node counts, components) changes none of them and re-decides nothing.
 */
export function clusterSignatures(v: ClusterView): {
  placement: string;
  readiness: string;
  capacity: string;
} {
  const { ready, allocatable, ...rest } = v;
  return {
    placement: JSON.stringify(rest),
    readiness: JSON.stringify(ready ?? null),
    capacity: JSON.stringify(allocatable ?? null),
  };
}
