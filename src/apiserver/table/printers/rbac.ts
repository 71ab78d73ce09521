// Printers for rbac.authorization.k8s.io: RoleBinding and ClusterRoleBinding (ROLE; wide:
// USERS, GROUPS, SERVICEACCOUNTS). Role and ClusterRole have no printer in Kubernetes and use
// the default NAME / CREATED AT table, registered in registry.ts.
import type { KubeObject } from "../../../apis/meta/types.ts";
import { AGE_COLUMN, age, column, list, NAME_COLUMN, str, wide } from "../cells.ts";
import type { Printer, PrinterEntry } from "../types.ts";

/** rbac.SubjectsStrings: users and groups by name, service accounts as namespace/name. */
function subjects(binding: KubeObject): [users: string, groups: string, serviceAccounts: string] {
  const byKind = (kind: string) => list(binding, "subjects").filter((s) => s.kind === kind);
  return [
    byKind("User")
      .map((s) => str(s, "name"))
      .join(", "),
    byKind("Group")
      .map((s) => str(s, "name"))
      .join(", "),
    byKind("ServiceAccount")
      .map((s) => `${str(s, "namespace")}/${str(s, "name")}`)
      .join(", "),
  ];
}

function bindingPrinter(what: string): Printer {
  return {
    columns: [
      NAME_COLUMN,
      column(
        "Role",
        "RoleRef can reference a Role in the current namespace or a ClusterRole in the global namespace.",
      ),
      AGE_COLUMN,
      wide("Users", `Users in the ${what}`),
      wide("Groups", `Groups in the ${what}`),
      wide("ServiceAccounts", `ServiceAccounts in the ${what}`),
    ],
    cells: (o, ctx) => [
      o.metadata.name ?? "",
      `${str(o, "roleRef.kind")}/${str(o, "roleRef.name")}`,
      age(o, ctx),
      ...subjects(o),
    ],
  };
}

export const rbacPrinters: PrinterEntry[] = [
  { group: "rbac.authorization.k8s.io", kind: "RoleBinding", printer: bindingPrinter("roleBinding") },
  {
    group: "rbac.authorization.k8s.io",
    kind: "ClusterRoleBinding",
    printer: bindingPrinter("clusterRoleBinding"),
  },
];
