// Cluster: one registered member cluster (the seed's ClusterRegistration).
import { Type } from "@sinclair/typebox";
import { Conditions, Duration, platformObject } from "./common.ts";

export const Taint = Type.Object({
  key: Type.String({ minLength: 1 }),
  value: Type.Optional(Type.String()),
  effect: Type.Union([
    Type.Literal("NoSchedule"),
    Type.Literal("PreferNoSchedule"),
    Type.Literal("NoExecute"),
  ]),
  timeAdded: Type.Optional(Type.String({ format: "date-time" })),
});

const ResourceList = Type.Record(Type.String(), Type.String());

export const ClusterSpec = Type.Object({
  apiEndpoint: Type.Optional(Type.String({ description: "the member's kube-apiserver URL (push mode)" })),
  caData: Type.Optional(
    Type.String({ description: "base64 PEM of the member's CA", contentEncoding: "base64" }),
  ),
  syncInterval: Type.Optional({ ...Duration, default: "30s" }),
  mode: Type.Optional(Type.Union([Type.Literal("Push"), Type.Literal("Pull")], { default: "Pull" })),
  taints: Type.Optional(Type.Array(Taint)),
  /** The hub accepts the agent's connection (set at registration, or by `mcpctl cluster approve`). */
  hubAcceptsClient: Type.Optional(Type.Boolean()),
  /** Name of the hub-side record holding the member credential (encrypted at rest, never served). */
  credentialRef: Type.Optional(Type.String()),
  region: Type.Optional(Type.String()),
  zone: Type.Optional(Type.String()),
  provider: Type.Optional(Type.String()),
});

export const ClusterStatus = Type.Object({
  conditions: Type.Optional(Conditions),
  kubernetesVersion: Type.Optional(Type.String()),
  nodes: Type.Optional(
    Type.Object({ total: Type.Integer({ minimum: 0 }), ready: Type.Integer({ minimum: 0 }) }),
  ),
  capacity: Type.Optional(ResourceList),
  allocatable: Type.Optional(ResourceList),
  lastHeartbeatTime: Type.Optional(Type.String({ format: "date-time" })),
  components: Type.Optional(
    Type.Object({
      etcdVersion: Type.Optional(Type.String()),
      cni: Type.Optional(Type.Object({ name: Type.String(), version: Type.Optional(Type.String()) })),
      kubeProxyMode: Type.Optional(Type.String()),
      coreDNSReplicas: Type.Optional(Type.Object({ desired: Type.Integer(), ready: Type.Integer() })),
      mtu: Type.Optional(Type.Record(Type.String(), Type.Integer())),
    }),
  ),
});

export const Cluster = platformObject("Cluster", { spec: ClusterSpec, status: ClusterStatus });
