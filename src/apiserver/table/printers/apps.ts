// Printers for workload controllers: Deployment, ReplicaSet, ReplicationController,
// StatefulSet, DaemonSet (apps/v1, core/v1) and PodDisruptionBudget (policy/v1).
import type { KubeObject } from "../../../apis/meta/types.ts";
import {
  formatLabelSelector,
  formatLabels,
  type LabelSelector,
  labelSelectorAsMatcher,
} from "../../selectors/labels.ts";
import {
  AGE_COLUMN,
  age,
  CONTAINERS_COLUMN,
  column,
  containerCells,
  get,
  IMAGES_COLUMN,
  NAME_COLUMN,
  num,
  record,
  wide,
} from "../cells.ts";
import type { Printer, PrinterEntry } from "../types.ts";

const name = (obj: KubeObject) => obj.metadata.name ?? "";
const selectorOf = (obj: KubeObject) => get(obj, "spec.selector") as LabelSelector | undefined;
// apps/v1 defaults spec.replicas to 1; Kubernetes prints the defaulted object.
const desired = (obj: KubeObject) => num(obj, "spec.replicas", 1);

const deployment: Printer = {
  columns: [
    NAME_COLUMN,
    column("Ready", "Number of the pod with ready state"),
    column(
      "Up-to-date",
      "Total number of non-terminated pods targeted by this deployment that have the desired template spec.",
    ),
    column(
      "Available",
      "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment.",
    ),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wide(
      "Selector",
      "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment.",
    ),
  ],
  cells: (o, ctx) => {
    let selector: string;
    try {
      selector = labelSelectorAsMatcher(selectorOf(o)).toString();
    } catch {
      selector = "<invalid>";
    }
    return [
      name(o),
      `${num(o, "status.readyReplicas")}/${desired(o)}`,
      num(o, "status.updatedReplicas"),
      num(o, "status.availableReplicas"),
      age(o, ctx),
      ...containerCells(o, "spec.template.spec"),
      selector,
    ];
  },
};

const replicaColumns = (selectorDescription: string) => [
  NAME_COLUMN,
  column("Desired", "Replicas is the number of desired replicas.", { type: "integer" }),
  column("Current", "Replicas is the most recently observed number of replicas.", { type: "integer" }),
  column("Ready", "The number of ready replicas for this replica set.", { type: "integer" }),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  wide("Selector", selectorDescription),
];

const replicaSet: Printer = {
  columns: replicaColumns("Selector is a label query over pods that should match the replica count."),
  cells: (o, ctx) => [
    name(o),
    desired(o),
    num(o, "status.replicas"),
    num(o, "status.readyReplicas"),
    age(o, ctx),
    ...containerCells(o, "spec.template.spec"),
    formatLabelSelector(selectorOf(o)),
  ],
};

const replicationController: Printer = {
  columns: replicaColumns("Selector is a label query over pods that should match the Replicas count."),
  cells: (o, ctx) => [
    name(o),
    desired(o),
    num(o, "status.replicas"),
    num(o, "status.readyReplicas"),
    age(o, ctx),
    ...containerCells(o, "spec.template.spec"),
    formatLabels(record(o, "spec.selector")),
  ],
};

const statefulSet: Printer = {
  columns: [
    NAME_COLUMN,
    column("Ready", "Number of the pod with ready state"),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  cells: (o, ctx) => [
    name(o),
    `${num(o, "status.readyReplicas")}/${desired(o)}`,
    age(o, ctx),
    ...containerCells(o, "spec.template.spec"),
  ],
};

const integer = (n: string, description: string) => column(n, description, { type: "integer" });

const daemonSet: Printer = {
  columns: [
    NAME_COLUMN,
    integer("Desired", "The total number of nodes that should be running the daemon pod."),
    integer(
      "Current",
      "The number of nodes that are running at least 1 daemon pod and are supposed to run the daemon pod.",
    ),
    integer(
      "Ready",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and ready.",
    ),
    integer("Up-to-date", "The total number of nodes that are running updated daemon pod."),
    integer(
      "Available",
      "The number of nodes that should be running the daemon pod and have one or more of the daemon pod running and available.",
    ),
    column("Node Selector", "NodeSelector is a selector which must be true for the pod to fit on a node."),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    wide("Selector", "A label query over pods that are managed by the daemon set."),
  ],
  cells: (o, ctx) => [
    name(o),
    num(o, "status.desiredNumberScheduled"),
    num(o, "status.currentNumberScheduled"),
    num(o, "status.numberReady"),
    num(o, "status.updatedNumberScheduled"),
    num(o, "status.numberAvailable"),
    formatLabels(record(o, "spec.template.spec.nodeSelector")),
    age(o, ctx),
    ...containerCells(o, "spec.template.spec"),
    formatLabelSelector(selectorOf(o)),
  ],
};

/** An IntOrString as Go's String() prints it, or N/A when unset. */
function intOrString(obj: KubeObject, path: string): string {
  const v = get(obj, path);
  return typeof v === "number" || typeof v === "string" ? String(v) : "N/A";
}

const podDisruptionBudget: Printer = {
  columns: [
    NAME_COLUMN,
    column("Min Available", "The minimum number of pods that must be available."),
    column("Max Unavailable", "The maximum number of pods that may be unavailable."),
    integer("Allowed Disruptions", "Calculated number of pods that may be disrupted at this time."),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [
    name(o),
    intOrString(o, "spec.minAvailable"),
    intOrString(o, "spec.maxUnavailable"),
    num(o, "status.disruptionsAllowed"),
    age(o, ctx),
  ],
};

export const appsPrinters: PrinterEntry[] = [
  { group: "apps", kind: "Deployment", printer: deployment },
  { group: "apps", kind: "ReplicaSet", printer: replicaSet },
  { group: "", kind: "ReplicationController", printer: replicationController },
  { group: "apps", kind: "StatefulSet", printer: statefulSet },
  { group: "apps", kind: "DaemonSet", printer: daemonSet },
  { group: "policy", kind: "PodDisruptionBudget", printer: podDisruptionBudget },
];
