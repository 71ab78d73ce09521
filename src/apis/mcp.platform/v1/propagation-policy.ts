// PropagationPolicy (namespaced) and ClusterPropagationPolicy: which templates go to which clusters.
// Field names follow Karmada so existing policies carry over.
import { Type } from "@sinclair/typebox";
import {
  ClusterAffinity,
  Conditions,
  Duration,
  LabelSelector,
  platformObject,
  ResourceSelector,
} from "./common.ts";

const Toleration = Type.Object({
  key: Type.Optional(Type.String()),
  operator: Type.Optional(Type.Union([Type.Literal("Equal"), Type.Literal("Exists")])),
  value: Type.Optional(Type.String()),
  effect: Type.Optional(Type.String()),
  tolerationSeconds: Type.Optional(Type.Integer({ minimum: 0 })),
});

const SpreadConstraint = Type.Object({
  spreadByField: Type.Optional(
    Type.Union([
      Type.Literal("cluster"),
      Type.Literal("region"),
      Type.Literal("zone"),
      Type.Literal("provider"),
    ]),
  ),
  spreadByLabel: Type.Optional(Type.String()),
  maxGroups: Type.Optional(Type.Integer({ minimum: 1 })),
  minGroups: Type.Optional(Type.Integer({ minimum: 1 })),
});

const StaticWeight = Type.Object({
  targetCluster: ClusterAffinity,
  weight: Type.Integer({ minimum: 1 }),
});

const ReplicaScheduling = Type.Object({
  replicaSchedulingType: Type.Union([Type.Literal("Duplicated"), Type.Literal("Divided")], {
    default: "Duplicated",
  }),
  replicaDivisionPreference: Type.Optional(
    Type.Union([Type.Literal("Aggregated"), Type.Literal("Weighted")]),
  ),
  weightPreference: Type.Optional(
    Type.Object({
      staticWeightList: Type.Optional(Type.Array(StaticWeight)),
      dynamicWeight: Type.Optional(Type.Literal("AvailableReplicas")),
    }),
  ),
});

export const Placement = Type.Object({
  clusterAffinity: Type.Optional(ClusterAffinity),
  clusterTolerations: Type.Optional(Type.Array(Toleration)),
  spreadConstraints: Type.Optional(Type.Array(SpreadConstraint)),
  replicaScheduling: Type.Optional(ReplicaScheduling),
});

export const PropagationSpec = Type.Object({
  resourceSelectors: Type.Array(ResourceSelector, { minItems: 1 }),
  placement: Type.Optional(Placement),
  priority: Type.Optional(Type.Integer()),
  propagateDeps: Type.Optional(Type.Boolean({ default: true })),
  conflictResolution: Type.Optional(
    Type.Union([Type.Literal("Abort"), Type.Literal("Overwrite")], { default: "Abort" }),
  ),
  preserveResourcesOnDeletion: Type.Optional(Type.Boolean()),
  retainFields: Type.Optional(
    Type.Array(Type.String(), { description: "JSON paths members own (e.g. spec.replicas)" }),
  ),
  immutableFieldChange: Type.Optional(
    Type.Union([Type.Literal("Fail"), Type.Literal("Recreate")], {
      default: "Fail",
      description:
        "A change the member cannot make in place (an immutable field): Fail reports the member's " +
        "error; Recreate deletes the member's object and creates it again",
    }),
  ),
  failover: Type.Optional(
    Type.Object({
      application: Type.Optional(
        Type.Object({ decisionConditions: Type.Object({ tolerationSeconds: Type.Integer({ minimum: 0 }) }) }),
      ),
    }),
  ),
  suspension: Type.Optional(Type.Object({ dispatching: Type.Optional(Type.Boolean()) })),
  clusterLabelSelector: Type.Optional(LabelSelector),
});

const PropagationStatus = Type.Object({
  conditions: Type.Optional(Conditions),
  observedGeneration: Type.Optional(Type.Integer()),
  lastScheduleTime: Type.Optional(Type.String()),
  syncPeriod: Type.Optional(Duration),
});

export const PropagationPolicy = platformObject("PropagationPolicy", {
  spec: PropagationSpec,
  status: PropagationStatus,
});
export const ClusterPropagationPolicy = platformObject("ClusterPropagationPolicy", {
  spec: PropagationSpec,
  status: PropagationStatus,
});
