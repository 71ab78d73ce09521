// Type schemas for the built-in Kubernetes kinds, derived from @kubernetes/client-node's
// generated models (the Kubernetes OpenAPI as code), so a template with `replicas: "three"` or a
// misspelt field gets the same 4xx a kube-apiserver gives. They serve validation only: the
// OpenAPI documents do not publish them, because they lack the patch-merge metadata kubectl
// needs for client-side apply.
import * as k8s from "@kubernetes/client-node";
import type { Schema } from "./schema.ts";

interface Attribute {
  name: string;
  baseName: string;
  type: string;
  format: string;
}

type Model = { getAttributeTypeMap?: () => Attribute[] };

const models = k8s as unknown as Record<string, Model | undefined>;
const cache = new Map<string, Schema | null>();

// Go's JSON decoding turns null into the zero value, so null is accepted everywhere.
const anything: Schema = { nullable: true };
const intOrString: Schema = { nullable: true, "x-kubernetes-int-or-string": true };

/** Resource quantities (requests, limits, capacity...) may be written as numbers. */
const QUANTITY_MAPS = new Set([
  "limits",
  "requests",
  "capacity",
  "allocatable",
  "hard",
  "used",
  "overhead",
  "min",
  "max",
  "default",
  "defaultRequest",
  "maxLimitRequestRatio",
]);

function scalar(type: string, format: string): Schema | undefined {
  switch (type) {
    case "string":
      return { type: "string", nullable: true };
    case "number":
      return { type: format === "double" ? "number" : "integer", nullable: true };
    case "boolean":
      return { type: "boolean", nullable: true };
    case "Date":
      return { type: "string", nullable: true };
    case "IntOrString":
      return intOrString;
    case "any":
    case "object":
      return anything;
    default:
      return undefined;
  }
}

function typeSchema(type: string, format: string, field: string): Schema {
  const s = scalar(type, format);
  if (s) return s;
  const array = /^Array<(.+)>$/.exec(type);
  if (array) return { type: "array", nullable: true, items: typeSchema(array[1], "", field) };
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    const value =
      QUANTITY_MAPS.has(field) && map[1] === "string" ? intOrString : typeSchema(map[1], "", field);
    return { type: "object", nullable: true, additionalProperties: value };
  }
  return modelSchema(type) ?? anything;
}

/** A model's schema; recursive models (JSONSchemaProps) share one object, so walking stays bounded by the data. */
function modelSchema(name: string): Schema | undefined {
  const hit = cache.get(name);
  if (hit !== undefined) return hit ?? undefined;
  const attrs = models[name]?.getAttributeTypeMap?.();
  if (!attrs) {
    cache.set(name, null);
    return undefined;
  }
  const properties: Record<string, Schema> = {};
  const schema: Schema = { type: "object", nullable: true, properties };
  cache.set(name, schema);
  for (const a of attrs) properties[a.baseName] = typeSchema(a.type, a.format, a.baseName);
  return schema;
}

/** The type schema of a built-in kind (metadata is left to the API's own checks), if the models know it. */
export function builtinTypeSchema(version: string, kind: string): Schema | undefined {
  const model = modelSchema(`${version[0].toUpperCase()}${version.slice(1)}${kind}`);
  if (!model) return undefined;
  const props = model.properties as Record<string, Schema>;
  return {
    ...model,
    properties: { ...props, metadata: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
  };
}
