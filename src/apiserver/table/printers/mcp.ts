// Printers for the platform kinds of mcp.platform/v1: Cluster (the fleet view: MODE, READY,
// VERSION, NODES, REGION), Work (what was delivered where, and whether it applied), ClusterPolicy
// and the propagation policies. Field names follow src/apis/mcp.platform/v1.
import type { KubeObject } from "../../../apis/meta/types.ts";
import {
  AGE_COLUMN,
  age,
  column,
  conditionStatus,
  get,
  list,
  NAME_COLUMN,
  num,
  str,
  wide,
} from "../cells.ts";
import type { Printer, PrinterEntry } from "../types.ts";

const GROUP = "mcp.platform";
const name = (obj: KubeObject) => obj.metadata.name ?? "";

/** Topology comes from spec, else from the well-known or short label, as registration allows both. */
function topology(cluster: KubeObject, field: "region" | "zone" | "provider"): string {
  const labels = cluster.metadata.labels ?? {};
  return (
    str(cluster, `spec.${field}`) ||
    (field === "provider" ? "" : labels[`topology.kubernetes.io/${field}`]) ||
    labels[field] ||
    "<none>"
  );
}

function nodes(cluster: KubeObject): string {
  return `${num(cluster, "status.nodes.ready")}/${num(cluster, "status.nodes.total")}`;
}

const cluster: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      "Mode",
      "How the hub reaches the cluster: Pull (an agent dials out) or Push (the hub calls its API).",
    ),
    column("Ready", "The status of the cluster's Ready condition."),
    column("Version", "The Kubernetes version the cluster reports."),
    column("Nodes", "Ready nodes out of all nodes, as last reported."),
    column("Region", "The region the cluster runs in."),
    AGE_COLUMN,
    wide("Zone", "The zone the cluster runs in."),
    wide("Provider", "The cloud or infrastructure provider."),
    wide("Endpoint", "The member's kube-apiserver URL."),
  ],
  cells: (o, ctx) => [
    name(o),
    str(o, "spec.mode") || "Pull",
    conditionStatus(o, "Ready") ?? "Unknown",
    str(o, "status.kubernetesVersion") || "<unknown>",
    nodes(o),
    topology(o, "region"),
    age(o, ctx),
    topology(o, "zone"),
    topology(o, "provider"),
    str(o, "spec.apiEndpoint") || "<none>",
  ],
};

/**
 * Whether the member applied the Work: its Applied condition when reported, otherwise whether
 * the acknowledged revision has caught up with the desired one.
 */
function applied(work: KubeObject): string {
  const condition = conditionStatus(work, "Applied");
  if (condition !== undefined) return condition;
  const ack = get(work, "status.appliedRevision");
  if (typeof ack !== "number") return "Unknown";
  return ack === num(work, "spec.revision") ? "True" : "False";
}

const work: Printer = {
  columns: [
    NAME_COLUMN,
    column("Cluster", "The member cluster this work is delivered to."),
    column("Revision", "The revision of the rendered manifests.", { type: "integer" }),
    column("Applied", "Whether the member applied this revision."),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => {
    const revision = get(o, "spec.revision");
    return [
      name(o),
      str(o, "spec.cluster"),
      typeof revision === "number" ? revision : null,
      applied(o),
      age(o, ctx),
    ];
  },
};

const clusterPolicy: Printer = {
  columns: [
    NAME_COLUMN,
    column("Rules", "The number of rules in the policy.", { type: "integer" }),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [name(o), list(o, "spec.rules").length, age(o, ctx)],
};

const ageOnly: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (o, ctx) => [name(o), age(o, ctx)],
};

export const mcpPrinters: PrinterEntry[] = [
  { group: GROUP, kind: "Cluster", printer: cluster },
  { group: GROUP, kind: "Work", printer: work },
  { group: GROUP, kind: "ClusterPolicy", printer: clusterPolicy },
  { group: GROUP, kind: "PropagationPolicy", printer: ageOnly },
  { group: GROUP, kind: "ClusterPropagationPolicy", printer: ageOnly },
];
