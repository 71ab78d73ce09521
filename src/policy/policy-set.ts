// The policies one cluster audits, as the hub sends them to its agent (Command "policies",
// params_json) and the hub's push audit uses them: every ClusterPolicy with auditInMembers whose
// clusterSelector selects the cluster's labels. The revision is a digest of the policies' uids
// and generations, so an unchanged set is not sent twice.
import { createHash } from "node:crypto";
import type { KubeObject } from "../apis/meta/types.ts";
import type { CompiledPolicy } from "./compile.ts";
import type { ClusterPolicySpec } from "./policy-types.ts";

export const POLICIES_COMMAND = "policies";
export const MAX_POLICY_SET_BYTES = 2 * 1024 * 1024;

export interface PolicySource {
  name: string;
  uid: string;
  generation: number;
  spec: ClusterPolicySpec;
}

export interface PolicySet {
  revision: string;
  /** The cluster's labels at the hub: what rules see as `cluster` in its audit. */
  clusterLabels: Record<string, string>;
  policies: PolicySource[];
}

/** Whether the compiled policy is audited in a cluster with these labels. */
export function appliesToCluster(p: CompiledPolicy, labels: Readonly<Record<string, string>>): boolean {
  return p.auditInMembers && (p.clusterSelector === undefined || p.clusterSelector.matches(labels));
}

export function policySource(obj: KubeObject): PolicySource {
  return {
    name: obj.metadata.name ?? "",
    uid: obj.metadata.uid ?? obj.metadata.name ?? "",
    generation: obj.metadata.generation ?? 0,
    spec: obj.spec as ClusterPolicySpec,
  };
}

export function policySet(sources: PolicySource[], clusterLabels: Record<string, string>): PolicySet {
  const policies = [...sources].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const labels = Object.fromEntries(Object.entries(clusterLabels).sort(([a], [b]) => (a < b ? -1 : 1)));
  const h = createHash("sha256").update(JSON.stringify(labels));
  for (const p of policies) h.update(`\n${p.uid}:${p.generation}`);
  return { revision: h.digest("hex").slice(0, 16), clusterLabels: labels, policies };
}

/** A policy source as the ClusterPolicy object the compiler takes. */
export function policyObject(p: PolicySource): KubeObject {
  return {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPolicy",
    metadata: { name: p.name, uid: p.uid, generation: p.generation },
    spec: p.spec,
  };
}

/** The agent's reading of a "policies" command; refuses anything but the expected shape. */
export function parsePolicySet(json: string): PolicySet | Error {
  if (Buffer.byteLength(json) > MAX_POLICY_SET_BYTES) return new Error("policy set too large");
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return new Error("policy set is not JSON");
  }
  const set = raw as Partial<PolicySet>;
  if (typeof set?.revision !== "string" || !Array.isArray(set.policies)) return new Error("not a policy set");
  const labels = set.clusterLabels;
  if (
    typeof labels !== "object" ||
    labels === null ||
    Object.values(labels).some((v) => typeof v !== "string")
  )
    return new Error("the policy set's clusterLabels are malformed");
  for (const p of set.policies) {
    const ok =
      typeof p === "object" &&
      p !== null &&
      typeof p.name === "string" &&
      typeof p.uid === "string" &&
      typeof p.generation === "number" &&
      typeof p.spec === "object" &&
      p.spec !== null &&
      Array.isArray(p.spec.rules);
    if (!ok) return new Error("a policy in the set is malformed");
  }
  return set as PolicySet;
}
