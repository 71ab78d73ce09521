// ClusterPolicy: fleet-wide admission rules (deny | warn | audit) with CEL conditions, and the
// PolicyReport that records member-side audit results.
import { Type } from "@sinclair/typebox";
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
});

export const ClusterPolicy = platformObject("ClusterPolicy", {
  spec: Type.Object({
    rules: Type.Array(PolicyRule, { minItems: 1 }),
    failurePolicy: Type.Optional(
      Type.Union([Type.Literal("Fail"), Type.Literal("Ignore")], { default: "Fail" }),
    ),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
    clusterSelector: Type.Optional(LabelSelector),
    auditInMembers: Type.Optional(Type.Boolean({ default: true })),
  }),
  status: Type.Object({
    conditions: Type.Optional(Conditions),
    observedGeneration: Type.Optional(Type.Integer()),
  }),
});

const PolicyResult = Type.Object({
  policy: Type.String(),
  rule: Type.Optional(Type.String()),
  result: Type.Union([
    Type.Literal("pass"),
    Type.Literal("fail"),
    Type.Literal("warn"),
    Type.Literal("error"),
  ]),
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

export const PolicyReport = platformObject("PolicyReport", {
  spec: Type.Object({ cluster: Type.String({ minLength: 1 }) }),
  status: Type.Object({
    summary: Type.Optional(
      Type.Object({
        pass: Type.Integer(),
        fail: Type.Integer(),
        warn: Type.Integer(),
        error: Type.Integer(),
      }),
    ),
    results: Type.Optional(Type.Array(PolicyResult)),
    lastAuditTime: Type.Optional(Type.String()),
  }),
});
