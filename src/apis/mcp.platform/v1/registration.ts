// Create-only kinds of cluster registration, served by custom handlers (nothing is stored as
// the object itself): BootstrapToken issues a single-use token an agent registers with, and
// ClusterJoin hands the hub a push-mode member's endpoint and credential (kept encrypted, never
// returned).
import { Type } from "@sinclair/typebox";
import { Duration, platformObject } from "./common.ts";

export const BootstrapToken = platformObject(
  "BootstrapToken",
  {
    spec: Type.Object({
      ttl: Type.Optional({ ...Duration, default: "1h" }),
      description: Type.Optional(Type.String()),
    }),
    status: Type.Object({
      token: Type.Optional(Type.String()),
      expirationTimestamp: Type.Optional(Type.String()),
    }),
  },
  { specRequired: false },
);

export const ClusterJoin = platformObject("ClusterJoin", {
  spec: Type.Object({
    apiEndpoint: Type.String({ minLength: 1, pattern: "^https://" }),
    caData: Type.Optional(Type.String({ contentEncoding: "base64" })),
    token: Type.Optional(Type.String()),
    clientCertificateData: Type.Optional(Type.String({ contentEncoding: "base64" })),
    clientKeyData: Type.Optional(Type.String({ contentEncoding: "base64" })),
    labels: Type.Optional(Type.Record(Type.String(), Type.String())),
    syncInterval: Type.Optional(Duration),
  }),
  status: Type.Object({ kubernetesVersion: Type.Optional(Type.String()) }),
});
