// Work: everything the hub decided to deliver to one cluster — the rendered manifests, a
// revision that only grows, and tombstones for what was removed. One Work per cluster, named
// after it, in mcp-system. Agents (pull) and the hub's push syncer apply it; status comes back.
//
// Each manifest carries, in its own metadata (so it also lands on the member object):
//   label      mcp.platform/managed: "true"          — created by MCP (conflict detection)
//   annotation mcp.platform/binding: <ns>/<name>      — the ResourceBinding it comes from
//   annotation mcp.platform/revision: "<n>"           — the Work revision it last changed at
//   annotation mcp.platform/conflict-resolution       — Abort (default) | Overwrite
//   annotation mcp.platform/retain-fields             — comma-separated paths members own (spec.replicas)
//   annotation mcp.platform/immutable-field-change    — Recreate: re-create when an immutable field changed
// Incremental delivery sends the manifests and tombstones with a revision above the one the agent
// acknowledged (see src/apis/agent/v1/agent.proto WorkUpdate).
import { Type } from "@sinclair/typebox";
import { Conditions, platformObject } from "./common.ts";

export const ManifestIdentifier = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
});

export const ManifestStatus = Type.Object({
  identifier: ManifestIdentifier,
  /** The manifest revision (mcp.platform/revision) this status describes. */
  revision: Type.Optional(Type.Integer({ minimum: 0 })),
  applied: Type.Optional(Type.Boolean()),
  /** Why it is not applied: Conflict (exists, not MCP's, Abort), ApplyFailed, … */
  reason: Type.Optional(Type.String()),
  health: Type.Optional(
    Type.Union([Type.Literal("Healthy"), Type.Literal("Unhealthy"), Type.Literal("Unknown")]),
  ),
  replicas: Type.Optional(Type.Integer()),
  readyReplicas: Type.Optional(Type.Integer()),
  availableReplicas: Type.Optional(Type.Integer()),
  updatedReplicas: Type.Optional(Type.Integer()),
  /** Hub-owned fields found changed in the member (and reverted) at the last check. */
  drift: Type.Optional(Type.Array(Type.String())),
  lastDriftTime: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
});

export const Tombstone = Type.Object({
  ...ManifestIdentifier.properties,
  /** The Work revision at which the manifest was removed. */
  revision: Type.Integer({ minimum: 0 }),
  /** Leave the member object in place (only MCP's labels are removed). */
  orphan: Type.Optional(Type.Boolean()),
});

export const Work = platformObject("Work", {
  spec: Type.Object({
    cluster: Type.String({ minLength: 1 }),
    revision: Type.Optional(Type.Integer({ minimum: 0 })),
    contentHash: Type.Optional(Type.String()),
    workload: Type.Object({ manifests: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
    /** Removed manifests not yet acknowledged by the member (pruned once appliedRevision passes them). */
    deletions: Type.Optional(Type.Array(Tombstone)),
    suspendDispatching: Type.Optional(Type.Boolean()),
  }),
  status: Type.Object({
    conditions: Type.Optional(Conditions),
    appliedRevision: Type.Optional(Type.Integer()),
    lastAppliedTime: Type.Optional(Type.String()),
    manifestStatuses: Type.Optional(Type.Array(ManifestStatus)),
  }),
});
