// Kubernetes name, label and annotation rules (apimachinery validation), as field causes.
import type { StatusCause } from "../errors.ts";

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const QUALIFIED_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const MAX_ANNOTATIONS_BYTES = 256 * 1024;

const invalid = (field: string, value: unknown, detail: string): StatusCause => ({
  reason: "FieldValueInvalid",
  field,
  message: `Invalid value: ${JSON.stringify(value)}: ${detail}`,
});

export function dns1123Label(field: string, value: string): StatusCause[] {
  if (value.length > 63) return [invalid(field, value, "must be no more than 63 characters")];
  if (!DNS1123_LABEL.test(value))
    return [
      invalid(
        field,
        value,
        "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
      ),
    ];
  return [];
}

export function dns1123Subdomain(field: string, value: string): StatusCause[] {
  if (value.length > 253) return [invalid(field, value, "must be no more than 253 characters")];
  if (!DNS1123_SUBDOMAIN.test(value))
    return [
      invalid(
        field,
        value,
        "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
      ),
    ];
  return [];
}

/** A label or annotation key: an optional DNS subdomain prefix and a qualified name. */
export function qualifiedKey(field: string, key: string): StatusCause[] {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : "";
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  const causes: StatusCause[] = [];
  if (slash >= 0 && (prefix.length === 0 || dns1123Subdomain(field, prefix).length > 0))
    causes.push(invalid(field, key, "prefix part must be a lowercase RFC 1123 subdomain"));
  if (name.length === 0 || name.length > 63 || !QUALIFIED_NAME.test(name))
    causes.push(
      invalid(
        field,
        key,
        "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
      ),
    );
  return causes;
}

export function labels(field: string, value: unknown): StatusCause[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || Array.isArray(value))
    return [invalid(field, value, "must be a map of strings")];
  const causes: StatusCause[] = [];
  for (const [k, v] of Object.entries(value)) {
    causes.push(...qualifiedKey(`${field}`, k));
    if (typeof v !== "string") causes.push(invalid(`${field}.${k}`, v, "must be a string"));
    else if (v.length > 63 || !LABEL_VALUE.test(v))
      causes.push(
        invalid(
          field,
          v,
          "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character, at most 63 characters",
        ),
      );
  }
  return causes;
}

export function annotations(field: string, value: unknown): StatusCause[] {
  if (value === undefined || value === null) return [];
  if (typeof value !== "object" || Array.isArray(value))
    return [invalid(field, value, "must be a map of strings")];
  const causes: StatusCause[] = [];
  let size = 0;
  for (const [k, v] of Object.entries(value)) {
    causes.push(...qualifiedKey(field, k));
    if (typeof v !== "string") causes.push(invalid(`${field}.${k}`, v, "must be a string"));
    else size += k.length + v.length;
  }
  if (size > MAX_ANNOTATIONS_BYTES)
    causes.push({
      reason: "FieldValueTooLong",
      field,
      message: `Too long: must have at most ${MAX_ANNOTATIONS_BYTES} bytes`,
    });
  return causes;
}
