// Printers for core/v1 kinds other than Pod and Service: Namespace, ConfigMap, Secret,
// ServiceAccount, Node and Event, each with kubectl's columns and cell rules.
import type { KubeObject } from "../../../apis/meta/types.ts";
import {
  AGE_COLUMN,
  age,
  column,
  conditionStatus,
  countKeys,
  list,
  NAME_COLUMN,
  num,
  record,
  str,
  wide,
} from "../cells.ts";
import { parseTimestamp, since } from "../duration.ts";
import type { PrintContext, Printer, PrinterEntry } from "../types.ts";

const name = (obj: KubeObject) => obj.metadata.name ?? "";

const namespace: Printer = {
  columns: [NAME_COLUMN, column("Status", "The status of the namespace"), AGE_COLUMN],
  // Kubernetes sets the phase on every write; objects that skipped that still show a phase.
  cells: (o, ctx) => [
    name(o),
    str(o, "status.phase") || (o.metadata.deletionTimestamp ? "Terminating" : "Active"),
    age(o, ctx),
  ],
};

const configMap: Printer = {
  columns: [NAME_COLUMN, column("Data", "Data contains the configuration data."), AGE_COLUMN],
  cells: (o, ctx) => [name(o), countKeys(o, "data") + countKeys(o, "binaryData"), age(o, ctx)],
};

const secret: Printer = {
  columns: [
    NAME_COLUMN,
    column("Type", "Used to facilitate programmatic handling of secret data."),
    column("Data", "Data contains the secret data."),
    AGE_COLUMN,
  ],
  // stringData is write-only and merged into data by the API; count both in case it was not.
  cells: (o, ctx) => {
    const keys = new Set([...Object.keys(record(o, "data")), ...Object.keys(record(o, "stringData"))]);
    return [name(o), str(o, "type") || "Opaque", keys.size, age(o, ctx)];
  },
};

const serviceAccount: Printer = {
  columns: [
    NAME_COLUMN,
    column(
      "Secrets",
      "Secrets is a list of the secrets in the same namespace that pods running using this ServiceAccount are allowed to use.",
    ),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [name(o), list(o, "secrets").length, age(o, ctx)],
};

const ROLE_PREFIX = "node-role.kubernetes.io/";

/** Roles from node-role.kubernetes.io/<role> keys and the legacy kubernetes.io/role value. */
function nodeRoles(node: KubeObject): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === "kubernetes.io/role" && v !== "") roles.add(v);
  }
  return roles.size === 0 ? "<none>" : [...roles].sort().join(",");
}

function nodeStatus(node: KubeObject): string {
  const ready = conditionStatus(node, "Ready");
  const status = [ready === undefined ? "Unknown" : ready === "True" ? "Ready" : "NotReady"];
  if (node.spec && (node.spec as { unschedulable?: unknown }).unschedulable === true)
    status.push("SchedulingDisabled");
  return status.join(",");
}

const nodeAddress = (node: KubeObject, type: string) =>
  str(
    list(node, "status.addresses").find((a) => a.type === type),
    "address",
    "<none>",
  );

const node: Printer = {
  columns: [
    NAME_COLUMN,
    column("Status", "The status of the node"),
    column("Roles", "The roles of the node"),
    AGE_COLUMN,
    column("Version", "Kubelet Version reported by the node."),
    wide("Internal-IP", "List of addresses reachable to the node."),
    wide("External-IP", "List of addresses reachable to the node."),
    wide(
      "OS-Image",
      "OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).",
    ),
    wide(
      "Kernel-Version",
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
    ),
    wide(
      "Container-Runtime",
      "ContainerRuntime Version reported by the node through runtime remote API (e.g. containerd://1.4.2).",
    ),
  ],
  cells: (o, ctx) => [
    name(o),
    nodeStatus(o),
    nodeRoles(o),
    age(o, ctx),
    str(o, "status.nodeInfo.kubeletVersion"),
    nodeAddress(o, "InternalIP"),
    nodeAddress(o, "ExternalIP"),
    str(o, "status.nodeInfo.osImage") || "<unknown>",
    str(o, "status.nodeInfo.kernelVersion") || "<unknown>",
    str(o, "status.nodeInfo.containerRuntimeVersion") || "<unknown>",
  ],
};

function eventCells(o: KubeObject, ctx: PrintContext) {
  const first =
    parseTimestamp(str(o, "firstTimestamp")) !== undefined
      ? since(str(o, "firstTimestamp"), ctx.now)
      : since(str(o, "eventTime"), ctx.now);
  let last =
    parseTimestamp(str(o, "lastTimestamp")) !== undefined ? since(str(o, "lastTimestamp"), ctx.now) : first;
  let count = num(o, "count");
  if (o.series && typeof o.series === "object") {
    last = since(str(o, "series.lastObservedTime"), ctx.now);
    count = num(o, "series.count");
  } else if (count === 0) {
    count = 1; // singleton events of the events.k8s.io API carry no count
  }
  const kind = str(o, "involvedObject.kind").toLowerCase();
  const target = str(o, "involvedObject.name") ? `${kind}/${str(o, "involvedObject.name")}` : kind;
  const component = str(o, "source.component") || str(o, "reportingComponent");
  const instance = str(o, "source.host") || str(o, "reportingInstance");
  return [
    last,
    str(o, "type"),
    str(o, "reason"),
    target,
    str(o, "involvedObject.fieldPath"),
    instance ? `${component}, ${instance}` : component,
    str(o, "message").trim(),
    first,
    count,
    name(o),
  ];
}

const event: Printer = {
  columns: [
    column("Last Seen", "The time at which the most recent occurrence of this event was recorded."),
    column("Type", "Type of this event (Normal, Warning), new types could be added in the future"),
    column(
      "Reason",
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    column("Object", "The object that this event is about."),
    wide(
      "Subobject",
      "If referring to a piece of an object instead of an entire object, the path of that piece.",
    ),
    wide("Source", "The component reporting this event."),
    column("Message", "A human-readable description of the status of this operation."),
    wide("First Seen", "The time at which the event was first recorded."),
    wide("Count", "The number of times this event has occurred."),
    { ...wide("Name", "Name of the event."), format: "name" },
  ],
  cells: eventCells,
};

export const corePrinters: PrinterEntry[] = [
  { group: "", kind: "Namespace", printer: namespace },
  { group: "", kind: "ConfigMap", printer: configMap },
  { group: "", kind: "Secret", printer: secret },
  { group: "", kind: "ServiceAccount", printer: serviceAccount },
  { group: "", kind: "Node", printer: node },
  { group: "", kind: "Event", printer: event },
];
