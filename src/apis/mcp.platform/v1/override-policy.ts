// OverridePolicy / ClusterOverridePolicy: per-cluster changes applied to rendered templates.
import { Type } from "@sinclair/typebox";
import { ClusterAffinity, platformObject, ResourceSelector } from "./common.ts";

const Operator = Type.Union([Type.Literal("add"), Type.Literal("remove"), Type.Literal("replace")]);

const ImageOverrider = Type.Object({
  predicate: Type.Optional(Type.Object({ path: Type.String() })),
  component: Type.Union([Type.Literal("Registry"), Type.Literal("Repository"), Type.Literal("Tag")]),
  operator: Operator,
  value: Type.Optional(Type.String()),
});

const CommandArgsOverrider = Type.Object({
  containerName: Type.String({ minLength: 1 }),
  operator: Type.Union([Type.Literal("add"), Type.Literal("remove")]),
  value: Type.Optional(Type.Array(Type.String())),
});

const EnvOverrider = Type.Object({
  containerName: Type.String({ minLength: 1 }),
  operator: Operator,
  value: Type.Optional(Type.Array(Type.Object({ name: Type.String(), value: Type.Optional(Type.String()) }))),
});

const MapOverrider = Type.Object({
  operator: Operator,
  value: Type.Optional(Type.Record(Type.String(), Type.String())),
});

const PlaintextOverrider = Type.Object({
  path: Type.String({ pattern: "^/" }),
  operator: Operator,
  value: Type.Optional(Type.Unknown()),
});

export const Overriders = Type.Object({
  imageOverrider: Type.Optional(Type.Array(ImageOverrider)),
  commandOverrider: Type.Optional(Type.Array(CommandArgsOverrider)),
  argsOverrider: Type.Optional(Type.Array(CommandArgsOverrider)),
  envOverrider: Type.Optional(Type.Array(EnvOverrider)),
  labelsOverrider: Type.Optional(Type.Array(MapOverrider)),
  annotationsOverrider: Type.Optional(Type.Array(MapOverrider)),
  plaintext: Type.Optional(Type.Array(PlaintextOverrider)),
});

const OverrideSpec = Type.Object({
  resourceSelectors: Type.Optional(Type.Array(ResourceSelector)),
  overrideRules: Type.Array(
    Type.Object({ targetCluster: Type.Optional(ClusterAffinity), overriders: Overriders }),
    { minItems: 1 },
  ),
});

export const OverridePolicy = platformObject("OverridePolicy", { spec: OverrideSpec });
export const ClusterOverridePolicy = platformObject("ClusterOverridePolicy", { spec: OverrideSpec });
