// The node part of a cluster's status, from one list of Nodes: how many there are and how many
// are Ready, and their summed capacity and allocatable (exact quantity arithmetic), plus the MTU
// of nodes that publish their own.
import { sumQuantities } from "./quantity.ts";

/** The resources summed into the cluster's capacity and allocatable. */
export const SUMMED_RESOURCES = ["cpu", "memory", "pods", "ephemeral-storage"];

/**
 * A node's own MTU, when node-level tooling publishes it (no CNI exposes a per-node MTU through
 * the API). It overrides the CNI's cluster-wide value for that node.
 */
export const NODE_MTU_ANNOTATION = "mcp.platform/mtu";

/** The key of the cluster-wide MTU in status.components.mtu (the rest are node names). */
export const CLUSTER_WIDE_MTU = "*";

export interface NodeLike {
  metadata?: { name?: string; annotations?: Record<string, string> };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: { type?: string; status?: string }[];
  };
}

export interface NodeSummary {
  nodes: { total: number; ready: number };
  capacity: Record<string, string>;
  allocatable: Record<string, string>;
  /** Node name → MTU, for the nodes that publish one. */
  nodeMtu: Record<string, number>;
}

/**
 * The part of a Node that summarizeNodes reads: its name, MTU annotation, Ready condition and
 * the summed resources. A served Node carries far more (images, addresses, daemon endpoints,
 * managedFields): kept whole, a 100-node list would stay in memory through the collection.
 */
export function slimNode(node: NodeLike): NodeLike {
  const pick = (r: Record<string, string> | undefined) => {
    if (!r) return undefined;
    const out: Record<string, string> = {};
    for (const k of SUMMED_RESOURCES) if (r[k] !== undefined) out[k] = r[k];
    return out;
  };
  const mtu = node.metadata?.annotations?.[NODE_MTU_ANNOTATION];
  const ready = node.status?.conditions?.find((c) => c.type === "Ready");
  return {
    metadata: {
      ...(node.metadata?.name !== undefined ? { name: node.metadata.name } : {}),
      ...(mtu !== undefined ? { annotations: { [NODE_MTU_ANNOTATION]: mtu } } : {}),
    },
    status: {
      capacity: pick(node.status?.capacity),
      allocatable: pick(node.status?.allocatable),
      conditions: ready ? [{ type: ready.type, status: ready.status }] : [],
    },
  };
}

export function isNodeReady(node: NodeLike): boolean {
  return (node.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

export function summarizeNodes(nodes: NodeLike[]): NodeSummary {
  const capacity: Record<string, string> = {};
  const allocatable: Record<string, string> = {};
  for (const resource of SUMMED_RESOURCES) {
    const cap = sumQuantities(nodes.map((n) => n.status?.capacity?.[resource]));
    const alloc = sumQuantities(nodes.map((n) => n.status?.allocatable?.[resource]));
    if (cap !== undefined) capacity[resource] = cap;
    if (alloc !== undefined) allocatable[resource] = alloc;
  }
  const nodeMtu: Record<string, number> = {};
  for (const n of nodes) {
    const mtu = Number(n.metadata?.annotations?.[NODE_MTU_ANNOTATION]);
    if (n.metadata?.name && Number.isInteger(mtu) && mtu > 0) nodeMtu[n.metadata.name] = mtu;
  }
  return {
    nodes: { total: nodes.length, ready: nodes.filter(isNodeReady).length },
    capacity,
    allocatable,
    nodeMtu,
  };
}
