// Validation of a whole object before it is stored: metadata rules for every kind, then the
// kind's schema and hooks. Returns field causes (for a 422 Invalid) and warnings.
import type { KubeObject } from "../../apis/meta/types.ts";
import { errors, type StatusCause } from "../errors.ts";
import type { ResourceType } from "../resources/resource-type.ts";
import { builtinTypeSchema } from "./builtin-types.ts";
import { annotations, dns1123Label, dns1123Subdomain, labels } from "./names.ts";
import { type Schema, validateSchema } from "./schema.ts";

export type FieldValidation = "Strict" | "Warn" | "Ignore";

export interface ValidationOutcome {
  warnings: string[];
}

export function parseFieldValidation(raw: string | null): FieldValidation {
  if (raw === null || raw === "") return "Warn";
  if (raw === "Strict" || raw === "Warn" || raw === "Ignore") return raw;
  throw errors.badRequest(`fieldValidation must be one of Strict, Warn, Ignore; got "${raw}"`);
}

export function validateMeta(rt: ResourceType, obj: KubeObject): StatusCause[] {
  const m = obj.metadata;
  const causes: StatusCause[] = [];
  if (!m.name)
    causes.push({
      reason: "FieldValueRequired",
      field: "metadata.name",
      message: "Required value: name or generateName is required",
    });
  else causes.push(...(rt.nameIsLabel ? dns1123Label : dns1123Subdomain)("metadata.name", m.name));
  if (rt.namespaced && m.namespace) causes.push(...dns1123Label("metadata.namespace", m.namespace));
  if (!rt.namespaced && m.namespace)
    causes.push({
      reason: "FieldValueForbidden",
      field: "metadata.namespace",
      message: "Forbidden: not allowed on this type",
    });
  causes.push(...labels("metadata.labels", m.labels));
  causes.push(...annotations("metadata.annotations", m.annotations));
  if (
    m.finalizers !== undefined &&
    !(Array.isArray(m.finalizers) && m.finalizers.every((f) => typeof f === "string"))
  )
    causes.push({
      reason: "FieldValueInvalid",
      field: "metadata.finalizers",
      message: "Invalid value: must be a list of strings",
    });
  return causes;
}

/**
 * Throws ApiError Invalid (422) or BadRequest (strict unknown fields); otherwise may change obj
 * (defaults filled, unknown fields pruned) and returns warnings for the response.
 */
export function validateObject(
  rt: ResourceType,
  obj: KubeObject,
  old: KubeObject | undefined,
  fieldValidation: FieldValidation,
): ValidationOutcome {
  rt.hooks?.default?.(obj, old);
  const causes = validateMeta(rt, obj);
  const warnings: string[] = [];
  const schema = rt.schema ?? (rt.builtin ? builtinTypeSchema(rt.version, rt.kind) : undefined);
  if (schema) {
    const r = validateSchema(schema, obj);
    if (r.unknownFields.length > 0) {
      if (fieldValidation === "Strict")
        throw errors.badRequest(
          `strict decoding error: ${r.unknownFields.map((f) => `unknown field "${f}"`).join(", ")}`,
          r.unknownFields.map((f) => ({
            reason: "FieldValueInvalid",
            field: f,
            message: `unknown field "${f}"`,
          })),
        );
      if (fieldValidation === "Warn") warnings.push(...r.unknownFields.map((f) => `unknown field "${f}"`));
    }
    causes.push(...r.causes);
  }
  if (causes.length === 0 && rt.hooks?.validate) causes.push(...rt.hooks.validate(obj, old));
  if (causes.length > 0) throw errors.invalid(rt.kind, obj.metadata.name ?? "", rt.group, causes);
  return { warnings };
}

/**
 * Validates a /status write: only status can differ from the stored object (spec and metadata
 * are carried over from it, and were validated when written), so only status is walked. Kinds
 * with hooks get the whole-object validation, since a hook may look anywhere.
 */
export function validateStatus(rt: ResourceType, obj: KubeObject, old: KubeObject): void {
  if (rt.hooks?.default || rt.hooks?.validate) {
    validateObject(rt, obj, old, "Ignore");
    return;
  }
  const schema = rt.schema ?? (rt.builtin ? builtinTypeSchema(rt.version, rt.kind) : undefined);
  const statusSchema = (schema?.properties as Record<string, Schema> | undefined)?.status;
  if (!statusSchema || obj.status === undefined) return;
  const r = validateSchema(statusSchema, obj.status, "status");
  if (r.causes.length > 0) throw errors.invalid(rt.kind, obj.metadata.name ?? "", rt.group, r.causes);
}
