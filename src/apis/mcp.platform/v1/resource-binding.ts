// ResourceBinding: the scheduler's decision for one template — which clusters get it (and how
// many replicas each) under which policy — and, as status, how each of those clusters is doing.
// Lives beside its template (cluster-scoped templates: in mcp-system), named
// "<name>-<kind, lower case>", owned by the template (deleted with it by the garbage collector).
import { Type } from "@sinclair/typebox";
import { Conditions, platformObject } from "./common.ts";
import { ManifestStatus } from "./work.ts";

const ObjectReference = Type.Object({
  apiVersion: Type.String(),
  kind: Type.String(),
  namespace: Type.Optional(Type.String()),
  name: Type.String(),
  uid: Type.Optional(Type.String()),
});

export const TargetCluster = Type.Object({
  name: Type.String({ minLength: 1 }),
  /** Divided scheduling: this cluster's share (absent for Duplicated). */
  replicas: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const ResourceBinding = platformObject("ResourceBinding", {
  spec: Type.Object({
    resource: ObjectReference,
    /** The PropagationPolicy / ClusterPropagationPolicy that placed it (absent for dependencies). */
    policy: Type.Optional(ObjectReference),
    /** Dependencies (Namespace, ConfigMaps, Secrets, ServiceAccounts) follow these bindings. */
    requiredBy: Type.Optional(Type.Array(ObjectReference)),
    clusters: Type.Array(TargetCluster),
    /** The template's total replicas when it has any. */
    replicas: Type.Optional(Type.Integer({ minimum: 0 })),
    conflictResolution: Type.Optional(Type.Union([Type.Literal("Abort"), Type.Literal("Overwrite")])),
    retainFields: Type.Optional(Type.Array(Type.String())),
    immutableFieldChange: Type.Optional(Type.Union([Type.Literal("Fail"), Type.Literal("Recreate")])),
    preserveResourcesOnDeletion: Type.Optional(Type.Boolean()),
    suspendDispatching: Type.Optional(Type.Boolean()),
    /**
     * Failover: clusters whose copy is being replaced (Unknown too long). Their manifests stay in
     * their Work until the cluster is back and the replacement placement is available.
     */
    gracefulEvictions: Type.Optional(
      Type.Array(
        Type.Object({
          cluster: Type.String(),
          reason: Type.String(),
          since: Type.String(),
        }),
      ),
    ),
  }),
  status: Type.Object({
    conditions: Type.Optional(Conditions),
    schedulerObservedGeneration: Type.Optional(Type.Integer()),
    lastScheduledTime: Type.Optional(Type.String()),
    aggregatedStatus: Type.Optional(
      Type.Array(
        Type.Object({
          cluster: Type.String(),
          ...Type.Omit(ManifestStatus, ["identifier"]).properties,
        }),
      ),
    ),
  }),
});
