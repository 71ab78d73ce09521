// Validates an object against a structural JSON Schema (our TypeBox schemas and CRDs'
// openAPIV3Schema alike), in one walk that also fills defaults and finds unknown fields.
// Unknown fields are reported separately so the caller can honour fieldValidation
// (Strict: reject, Warn: drop and warn, Ignore: drop).
import type { StatusCause } from "../errors.ts";

export type Schema = Record<string, unknown>;

export interface SchemaResult {
  causes: StatusCause[];
  /** Paths of fields the schema does not know; they have been removed from the value. */
  unknownFields: string[];
  /** Judge only: fill no defaults and remove nothing (a probe of an anyOf alternative). */
  dry?: boolean;
}

/** `path` names where `value` sits in the object (e.g. "status"), for the causes' field paths. */
export function validateSchema(schema: Schema, value: unknown, path = ""): SchemaResult {
  const out: SchemaResult = { causes: [], unknownFields: [] };
  walk(schema, value, path, out);
  return out;
}

// Schemas are long-lived and their patterns few: compile each once, not once per field checked.
const compiled = new Map<string, RegExp>();
function regex(source: string): RegExp {
  let re = compiled.get(source);
  if (re === undefined) {
    re = new RegExp(source);
    compiled.set(source, re);
  }
  return re;
}

const child = (path: string, key: string) => (path ? `${path}.${key}` : key);
const typeName = (v: unknown) =>
  v === null ? "null" : Array.isArray(v) ? "array" : Number.isInteger(v) ? "integer" : typeof v;

function invalid(out: SchemaResult, path: string, value: unknown, detail: string) {
  out.causes.push({
    reason: "FieldValueInvalid",
    field: path,
    message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
  });
}

function matchesType(type: string, v: unknown, intOrString: boolean): boolean {
  if (intOrString && (typeof v === "string" || Number.isInteger(v))) return true;
  switch (type) {
    case "object":
      return typeof v === "object" && v !== null && !Array.isArray(v);
    case "array":
      return Array.isArray(v);
    case "string":
      return typeof v === "string";
    case "integer":
      return Number.isInteger(v);
    case "number":
      return typeof v === "number" && Number.isFinite(v);
    case "boolean":
      return typeof v === "boolean";
    case "null":
      return v === null;
    default:
      return true;
  }
}

/** For anyOf/oneOf: the first alternative the value satisfies (by type and const), if any. */
function pickAlternative(alts: Schema[], value: unknown): Schema | undefined {
  for (const alt of alts) {
    // Most alternatives are ruled out by type or const alone: no copy of the value for those.
    if (!(value === null && alt.nullable === true)) {
      if ("const" in alt && value !== alt.const) continue;
      const type = alt.type as string | undefined;
      if (type && !matchesType(type, value, alt["x-kubernetes-int-or-string"] === true)) continue;
    }
    // A dry walk judges without changing the value, so no copy of it is needed.
    const probe: SchemaResult = { causes: [], unknownFields: [], dry: true };
    walk(alt, value, "", probe);
    if (probe.causes.length === 0) return alt;
  }
  return undefined;
}

function walk(schema: Schema, value: unknown, path: string, out: SchemaResult): void {
  if (value === null && schema.nullable === true) return;
  const alts = (schema.anyOf ?? schema.oneOf) as Schema[] | undefined;
  if (alts) {
    const chosen = pickAlternative(alts, value);
    if (chosen) {
      walk(chosen, value, path, out);
      return;
    }
    const consts = alts.map((a) => a.const).filter((c) => c !== undefined);
    if (consts.length === alts.length) {
      out.causes.push({
        reason: "FieldValueNotSupported",
        field: path,
        message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${consts.map((c) => JSON.stringify(c)).join(", ")}`,
      });
    } else invalid(out, path, value, `${path || "body"} in body does not match any of the allowed schemas`);
    return;
  }
  if ("const" in schema && value !== schema.const) {
    out.causes.push({
      reason: "FieldValueNotSupported",
      field: path,
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${JSON.stringify(schema.const)}`,
    });
    return;
  }
  const type = schema.type as string | undefined;
  const intOrString = schema["x-kubernetes-int-or-string"] === true;
  if (type && !matchesType(type, value, intOrString)) {
    invalid(
      out,
      path,
      typeName(value),
      `${path || "body"} in body must be of type ${type}: "${typeName(value)}"`,
    );
    return;
  }
  if (Array.isArray(schema.enum) && !schema.enum.some((e) => e === value)) {
    out.causes.push({
      reason: "FieldValueNotSupported",
      field: path,
      message: `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(", ")}`,
    });
    return;
  }
  if (typeof value === "string") checkString(schema, value, path, out);
  else if (typeof value === "number") checkNumber(schema, value, path, out);
  else if (Array.isArray(value)) checkArray(schema, value, path, out);
  else if (typeof value === "object" && value !== null)
    checkObject(schema, value as Record<string, unknown>, path, out);
}

function checkString(schema: Schema, v: string, path: string, out: SchemaResult) {
  const where = `${path} in body`;
  if (typeof schema.minLength === "number" && v.length < schema.minLength)
    invalid(out, path, v, `${where} should be at least ${schema.minLength} chars long`);
  if (typeof schema.maxLength === "number" && v.length > schema.maxLength)
    out.causes.push({
      reason: "FieldValueTooLong",
      field: path,
      message: `Too long: may not be longer than ${schema.maxLength}`,
    });
  if (typeof schema.pattern === "string" && !regex(schema.pattern).test(v))
    invalid(out, path, v, `${where} should match '${schema.pattern}'`);
  if (schema.format === "date-time" && Number.isNaN(Date.parse(v)))
    invalid(out, path, v, `${where} must be of type date-time`);
}

function checkNumber(schema: Schema, v: number, path: string, out: SchemaResult) {
  const where = `${path} in body`;
  if (typeof schema.minimum === "number" && v < schema.minimum)
    invalid(out, path, v, `${where} should be greater than or equal to ${schema.minimum}`);
  if (typeof schema.maximum === "number" && v > schema.maximum)
    invalid(out, path, v, `${where} should be less than or equal to ${schema.maximum}`);
}

function checkArray(schema: Schema, v: unknown[], path: string, out: SchemaResult) {
  if (typeof schema.minItems === "number" && v.length < schema.minItems)
    invalid(out, path, v.length, `${path} in body should have at least ${schema.minItems} items`);
  if (typeof schema.maxItems === "number" && v.length > schema.maxItems)
    out.causes.push({
      reason: "FieldValueTooMany",
      field: path,
      message: `Too many: ${v.length}: must have at most ${schema.maxItems} items`,
    });
  const items = schema.items as Schema | undefined;
  if (items) for (const [i, item] of v.entries()) walk(items, item, `${path}[${i}]`, out);
}

function checkObject(schema: Schema, v: Record<string, unknown>, path: string, out: SchemaResult) {
  const props = (schema.properties ?? {}) as Record<string, Schema>;
  const required = (schema.required ?? []) as string[];
  if (!out.dry)
    for (const [name, propSchema] of Object.entries(props)) {
      if (v[name] === undefined && propSchema.default !== undefined)
        v[name] = structuredClone(propSchema.default);
    }
  for (const name of required) {
    // A dry walk counts a field with a default as present: a real walk would have filled it.
    if (v[name] === undefined && !(out.dry && props[name]?.default !== undefined))
      out.causes.push({ reason: "FieldValueRequired", field: child(path, name), message: "Required value" });
  }
  const patternProps = schema.patternProperties as Record<string, Schema> | undefined;
  const additional = schema.additionalProperties;
  const preserve = schema["x-kubernetes-preserve-unknown-fields"] === true;
  for (const [name, fieldValue] of Object.entries(v)) {
    const p = child(path, name);
    const known = props[name] ?? matchPattern(patternProps, name);
    if (known) walk(known, fieldValue, p, out);
    else if (typeof additional === "object" && additional !== null)
      walk(additional as Schema, fieldValue, p, out);
    else if (
      additional === false ||
      (!preserve && additional === undefined && schema.properties !== undefined)
    ) {
      out.unknownFields.push(p);
      if (!out.dry) delete v[name];
    }
  }
}

function matchPattern(patterns: Record<string, Schema> | undefined, name: string): Schema | undefined {
  if (!patterns) return undefined;
  for (const [re, s] of Object.entries(patterns)) if (regex(re).test(name)) return s;
  return undefined;
}
