// ClusterPolicy: fleet-wide admission rules (deny | warn | audit) with CEL conditions, and the
// PolicyReport that records member-side audit results (one per cluster, mcp-system/<cluster>).
// A rule's condition is true for a violation. Compilation, matching and evaluation: src/policy/.
import { type Static, Type } from "@sinclair/typebox";
import { Conditions, LabelSelector, platformObject } from "./common.ts";

const Operation = Type.Union([
  Type.Literal("CREATE"),
  Type.Literal("UPDATE"),
  Type.Literal("DELETE"),
  Type.Literal("*"),
]);

export const PolicyMatch = Type.Object({
  apiGroups: Type.Optional(Type.Array(Type.String())),
  kinds: Type.Optional(Type.Array(Type.String())),
  /** Resource plural names, as the seed writes them (`resource: namespaces`). */
  resources: Type.Optional(Type.Array(Type.String())),
  namespaces: Type.Optional(Type.Array(Type.String())),
  namespaceSelector: Type.Optional(LabelSelector),
  objectSelector: Type.Optional(LabelSelector),
  operations: Type.Optional(Type.Array(Operation)),
});

export const PolicyRule = Type.Object({
  name: Type.Optional(Type.String()),
  action: Type.Union([Type.Literal("deny"), Type.Literal("warn"), Type.Literal("audit")]),
  /** Shorthand for match.resources, as in the seed. */
  resource: Type.Optional(Type.String()),
  match: Type.Optional(PolicyMatch),
  /** A CEL expression, or the name of a built-in condition such as cross-tenant-access. */
  condition: Type.String({ minLength: 1 }),
  message: Type.Optional(Type.String()),
  messageExpression: Type.Optional(Type.String()),
  /** Overlaid on the policy's params for this rule (e.g. required-labels' `labels`). */
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

const ClusterPolicySpecSchema = Type.Object({
  rules: Type.Array(PolicyRule, { minItems: 1 }),
  failurePolicy: Type.Optional(
    Type.Union([Type.Literal("Fail"), Type.Literal("Ignore")], { default: "Fail" }),
  ),
  params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  clusterSelector: Type.Optional(LabelSelector),
  auditInMembers: Type.Optional(Type.Boolean({ default: true })),
});

export const ClusterPolicy = platformObject("ClusterPolicy", {
  spec: ClusterPolicySpecSchema,
  status: Type.Object({
    conditions: Type.Optional(Conditions),
    observedGeneration: Type.Optional(Type.Integer()),
  }),
});

export const PolicyResult = Type.Object({
  policy: Type.String(),
  rule: Type.Optional(Type.String()),
  result: Type.Union([
    Type.Literal("pass"),
    Type.Literal("fail"),
    Type.Literal("warn"),
    Type.Literal("error"),
  ]),
  /** The rule's action: how serious a failure is. */
  action: Type.Optional(Type.Union([Type.Literal("deny"), Type.Literal("warn"), Type.Literal("audit")])),
  message: Type.Optional(Type.String()),
  resource: Type.Optional(
    Type.Object({
      apiVersion: Type.String(),
      kind: Type.String(),
      namespace: Type.Optional(Type.String()),
      name: Type.String(),
    }),
  ),
  timestamp: Type.Optional(Type.String()),
});

export const PolicyReportStatusSchema = Type.Object({
  summary: Type.Optional(
    Type.Object({
      pass: Type.Integer(),
      fail: Type.Integer(),
      warn: Type.Integer(),
      error: Type.Integer(),
    }),
  ),
  /** Per policy: how many matched objects passed and failed. */
  policies: Type.Optional(
    Type.Array(
      Type.Object({
        name: Type.String(),
        pass: Type.Integer(),
        fail: Type.Integer(),
        warn: Type.Integer(),
        error: Type.Integer(),
      }),
    ),
  ),
  /** Failures and errors (passes are only counted). */
  results: Type.Optional(Type.Array(PolicyResult)),
  /** More results than a report keeps: the counts are complete, the list is not. */
  truncated: Type.Optional(Type.Boolean()),
  objectsAudited: Type.Optional(Type.Integer()),
  /** Why the audit could not run (member unreachable, …). */
  error: Type.Optional(Type.String()),
  lastAuditTime: Type.Optional(Type.String()),
});

export const PolicyReport = platformObject("PolicyReport", {
  spec: Type.Object({ cluster: Type.String({ minLength: 1 }) }),
  status: PolicyReportStatusSchema,
});

export type PolicyRuleSpec = Static<typeof PolicyRule>;
export type PolicyMatchSpec = Static<typeof PolicyMatch>;
export type ClusterPolicySpec = Static<typeof ClusterPolicySpecSchema>;
export type PolicyResultEntry = Static<typeof PolicyResult>;
export type PolicyReportStatus = Static<typeof PolicyReportStatusSchema>;
