// The ClusterPolicy and PolicyReport shapes the policy engine works with (their schemas are in
// src/apis/mcp.platform/v1/cluster-policy.ts).
export type {
  ClusterPolicySpec,
  PolicyMatchSpec,
  PolicyReportStatus,
  PolicyResultEntry,
  PolicyRuleSpec,
} from "../apis/mcp.platform/v1/cluster-policy.ts";

export type PolicyAction = "deny" | "warn" | "audit";
export type FailurePolicy = "Fail" | "Ignore";
