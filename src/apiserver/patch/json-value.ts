// Small helpers over plain JSON values shared by the patch and apply modules: type tests, deep
// equality with JSON semantics, deep copies, and Go-compatible JSON text for field-path keys.

export type JsonObject = Record<string, unknown>;

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Deep equality as JSON sees it: key order is irrelevant, array order is not. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((v, i) => jsonEqual(v, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** A deep copy; patches never share structure with their inputs. */
export function clone<T>(v: T): T {
  return v === undefined ? v : structuredClone(v);
}

/**
 * JSON text as Go's encoding/json writes it (HTML-sensitive characters escaped), so that keys
 * such as `k:{"name":"a<b"}` match what a real API server stores byte for byte.
 */
export function goJson(v: unknown): string {
  return JSON.stringify(v).replace(
    /[<>&\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
