// Work: what the hub decided to deliver to one cluster — rendered manifests plus a revision.
import { Type } from "@sinclair/typebox";
import { Conditions, platformObject } from "./common.ts";

const ManifestStatus = Type.Object({
  identifier: Type.Object({
    apiVersion: Type.String(),
    kind: Type.String(),
    namespace: Type.Optional(Type.String()),
    name: Type.String(),
  }),
  applied: Type.Optional(Type.Boolean()),
  health: Type.Optional(
    Type.Union([Type.Literal("Healthy"), Type.Literal("Unhealthy"), Type.Literal("Unknown")]),
  ),
  availableReplicas: Type.Optional(Type.Integer()),
  drift: Type.Optional(Type.Array(Type.String())),
  message: Type.Optional(Type.String()),
});

export const Work = platformObject("Work", {
  spec: Type.Object({
    cluster: Type.String({ minLength: 1 }),
    revision: Type.Optional(Type.Integer({ minimum: 0 })),
    contentHash: Type.Optional(Type.String()),
    workload: Type.Object({ manifests: Type.Array(Type.Record(Type.String(), Type.Unknown())) }),
    suspendDispatching: Type.Optional(Type.Boolean()),
    preserveResourcesOnDeletion: Type.Optional(Type.Boolean()),
  }),
  status: Type.Object({
    conditions: Type.Optional(Conditions),
    appliedRevision: Type.Optional(Type.Integer()),
    manifestStatuses: Type.Optional(Type.Array(ManifestStatus)),
  }),
});
