// MCP-SEC-004 — cluster-admin granted beyond the platform's own identities.
// cluster-admin is every verb on every resource; each extra subject (a CI ServiceAccount, a
// Helm-era tiller, a person's user) is a credential whose leak is a full cluster takeover. The
// bootstrap identities are expected: the system:masters group, kubeadm's kubeadm:cluster-admins
// group and the control plane's own system: users and groups.
import type { Check, Finding } from "../../types.ts";
import { arr, list, rec, ref, str } from "../objects.ts";

const EXPECTED_GROUPS = new Set(["system:masters", "kubeadm:cluster-admins"]);

export function isSystemSubject(subject: Record<string, unknown>): boolean {
  const kind = str(subject.kind);
  const name = str(subject.name) ?? "";
  if (kind === "Group") return EXPECTED_GROUPS.has(name) || name.startsWith("system:");
  // A ServiceAccount is never "system": any pod using it gets cluster-admin.
  if (kind === "User") return name.startsWith("system:") && !name.startsWith("system:serviceaccount:");
  return false;
}

function describe(subject: Record<string, unknown>): string {
  const ns = str(subject.namespace);
  return `${str(subject.kind)} ${ns ? `${ns}/` : ""}${str(subject.name)}`;
}

export const clusterAdmin: Check = {
  code: "MCP-SEC-004",
  area: "security",
  title: "cluster-admin binding",
  severity: "warning",
  reads: ["clusterrolebindings"],
  description:
    "A ClusterRoleBinding grants the cluster-admin ClusterRole to subjects other than system:masters, " +
    "kubeadm:cluster-admins and system components. Bind a narrower role instead.",
  run(ctx) {
    const out: Finding[] = [];
    for (const crb of list(ctx, "clusterrolebindings")) {
      const role = rec(crb.roleRef);
      if (str(role.kind) !== "ClusterRole" || str(role.name) !== "cluster-admin") continue;
      const extra = arr(crb.subjects)
        .map(rec)
        .filter((s) => !isSystemSubject(s));
      if (extra.length === 0) continue;
      const name = crb.metadata.name ?? "";
      out.push({
        code: clusterAdmin.code,
        severity: clusterAdmin.severity,
        object: ref(crb),
        message: `ClusterRoleBinding ${name} grants cluster-admin to ${extra.map(describe).join(", ")}.`,
        fix:
          `Bind a role with only the needed verbs and resources (kubectl create clusterrole/role ...; kubectl create ` +
          `rolebinding ...), then kubectl delete clusterrolebinding ${name}`,
      });
    }
    return out;
  },
};
