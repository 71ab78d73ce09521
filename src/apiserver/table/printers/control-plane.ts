// Printers for control-plane kinds: Lease (HOLDER), PriorityClass, and the admission webhook
// configurations (WEBHOOKS). CustomResourceDefinition has no printer in Kubernetes; it uses the
// default NAME / CREATED AT table, registered in registry.ts.
import { AGE_COLUMN, age, bool, column, list, NAME_COLUMN, num, str, wide } from "../cells.ts";
import type { Printer, PrinterEntry } from "../types.ts";

const lease: Printer = {
  columns: [
    NAME_COLUMN,
    column("Holder", "holderIdentity contains the identity of the holder of a current lease."),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [o.metadata.name ?? "", str(o, "spec.holderIdentity"), age(o, ctx)],
};

const priorityClass: Printer = {
  columns: [
    NAME_COLUMN,
    column("Value", "value represents the integer value of this priority class.", { type: "integer" }),
    column(
      "Global-Default",
      "globalDefault specifies whether this PriorityClass should be considered as the default priority.",
      {
        type: "boolean",
      },
    ),
    AGE_COLUMN,
    wide("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority."),
  ],
  cells: (o, ctx) => [
    o.metadata.name ?? "",
    num(o, "value"),
    bool(o, "globalDefault") ?? false,
    age(o, ctx),
    // scheduling/v1 defaults the policy; older objects may lack it.
    str(o, "preemptionPolicy") || "PreemptLowerPriority",
  ],
};

const webhookConfiguration: Printer = {
  columns: [
    NAME_COLUMN,
    column("Webhooks", "Webhooks indicates the number of webhooks registered in this configuration", {
      type: "integer",
    }),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [o.metadata.name ?? "", list(o, "webhooks").length, age(o, ctx)],
};

export const controlPlanePrinters: PrinterEntry[] = [
  { group: "coordination.k8s.io", kind: "Lease", printer: lease },
  { group: "scheduling.k8s.io", kind: "PriorityClass", printer: priorityClass },
  {
    group: "admissionregistration.k8s.io",
    kind: "ValidatingWebhookConfiguration",
    printer: webhookConfiguration,
  },
  {
    group: "admissionregistration.k8s.io",
    kind: "MutatingWebhookConfiguration",
    printer: webhookConfiguration,
  },
];
