// Schema pieces shared by the mcp.platform/v1 kinds: metadata, conditions, selectors, durations.
import { type TObject, type TProperties, Type } from "@sinclair/typebox";

export const GROUP = "mcp.platform";
export const VERSION = "v1";
export const API_VERSION = `${GROUP}/${VERSION}`;

/** Metadata is checked by the API machinery's own validation; the schema only types it. */
export const ObjectMeta = Type.Object({}, { additionalProperties: true });

export const Duration = Type.String({
  pattern: "^([0-9]+(\\.[0-9]+)?(ms|s|m|h))+$",
  description: "a Go-style duration such as 30s, 5m or 1h30m",
});

export const Condition = Type.Object({
  type: Type.String({ minLength: 1 }),
  status: Type.Union([Type.Literal("True"), Type.Literal("False"), Type.Literal("Unknown")]),
  reason: Type.Optional(Type.String()),
  message: Type.Optional(Type.String()),
  lastTransitionTime: Type.Optional(Type.String({ format: "date-time" })),
  observedGeneration: Type.Optional(Type.Integer({ minimum: 0 })),
});

export const Conditions = Type.Array(Condition, {
  "x-kubernetes-list-type": "map",
  "x-kubernetes-list-map-keys": ["type"],
});

export const LabelSelectorRequirement = Type.Object({
  key: Type.String({ minLength: 1 }),
  operator: Type.Union([
    Type.Literal("In"),
    Type.Literal("NotIn"),
    Type.Literal("Exists"),
    Type.Literal("DoesNotExist"),
  ]),
  values: Type.Optional(Type.Array(Type.String())),
});

export const LabelSelector = Type.Object({
  matchLabels: Type.Optional(Type.Record(Type.String(), Type.String())),
  matchExpressions: Type.Optional(Type.Array(LabelSelectorRequirement)),
});

export const ResourceSelector = Type.Object({
  apiVersion: Type.String({ minLength: 1 }),
  kind: Type.String({ minLength: 1 }),
  name: Type.Optional(Type.String()),
  namespace: Type.Optional(Type.String()),
  labelSelector: Type.Optional(LabelSelector),
});

/** Which clusters a rule targets: by names and/or labels (Karmada's ClusterAffinity shape). */
export const ClusterAffinity = Type.Object({
  clusterNames: Type.Optional(Type.Array(Type.String())),
  exclude: Type.Optional(Type.Array(Type.String())),
  labelSelector: Type.Optional(LabelSelector),
  fieldSelector: Type.Optional(
    Type.Object({
      matchExpressions: Type.Array(
        Type.Object({
          key: Type.Union([Type.Literal("provider"), Type.Literal("region"), Type.Literal("zone")]),
          operator: Type.Union([Type.Literal("In"), Type.Literal("NotIn")]),
          values: Type.Array(Type.String()),
        }),
      ),
    }),
  ),
});

/** A whole platform object: apiVersion, kind, metadata plus the kind's spec (and status). */
export function platformObject(
  kind: string,
  props: TProperties,
  opts: { specRequired?: boolean } = {},
): TObject {
  const { spec, status, ...rest } = props;
  return Type.Object(
    {
      apiVersion: Type.Literal(API_VERSION),
      kind: Type.Literal(kind),
      metadata: ObjectMeta,
      ...(spec ? { spec: opts.specRequired === false ? Type.Optional(spec) : spec } : {}),
      ...(status ? { status: Type.Optional(status) } : {}),
      ...rest,
    },
    { additionalProperties: false },
  );
}
