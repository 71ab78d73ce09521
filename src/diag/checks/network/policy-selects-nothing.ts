// MCP-NET-006 — a NetworkPolicy whose podSelector selects no pod.
// Such a policy protects nothing: usually the author believes traffic is restricted while the
// selector's labels were never (or no longer) on the pods. An empty podSelector selects every
// pod of the namespace, including pods created later, so it is never reported.
import type { Check, Finding } from "../../types.ts";
import { isLivePod, type LabelSelector, list, nameOf, rec, ref, selectorMatches } from "../objects.ts";

function isEmpty(sel: LabelSelector): boolean {
  return Object.keys(sel.matchLabels ?? {}).length === 0 && (sel.matchExpressions ?? []).length === 0;
}

export const policySelectsNothing: Check = {
  code: "MCP-NET-006",
  area: "network",
  title: "NetworkPolicy selects no pods",
  severity: "warning",
  reads: ["networkpolicies", "pods"],
  description:
    "A NetworkPolicy whose spec.podSelector matches no running pod in its namespace, so it restricts nothing. " +
    "Fix the selector to the labels of the pods it is meant to protect, or delete the stale policy.",
  run(ctx) {
    const pods = list(ctx, "pods").filter(isLivePod);
    const out: Finding[] = [];
    for (const np of list(ctx, "networkpolicies")) {
      const selector = rec(rec(np.spec).podSelector) as LabelSelector;
      if (isEmpty(selector)) continue;
      const ns = np.metadata.namespace;
      if (pods.some((p) => p.metadata.namespace === ns && selectorMatches(selector, p.metadata.labels)))
        continue;
      out.push({
        code: policySelectsNothing.code,
        severity: policySelectsNothing.severity,
        object: ref(np),
        message: `NetworkPolicy ${nameOf(np)} selects no pod in namespace ${ns}, so it restricts no traffic.`,
        fix:
          `Compare the selector with the pods' labels (kubectl -n ${ns} get pods --show-labels), then ` +
          `kubectl -n ${ns} edit networkpolicy ${np.metadata.name} to fix spec.podSelector, or ` +
          `kubectl -n ${ns} delete networkpolicy ${np.metadata.name} if it is stale.`,
      });
    }
    return out;
  },
};
