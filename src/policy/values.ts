// JSON values ↔ CEL values. CEL has distinct int and double types and cel-js represents ints as
// BigInt, so whole JSON numbers become BigInt (`object.spec.replicas + 1` is int arithmetic, as
// in Kubernetes) and fractional ones stay doubles. Done once per request, shared by its rules.

export function toCel(value: unknown): unknown {
  if (typeof value === "number") return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = toCel(v);
    return out;
  }
  return value ?? null;
}

/** A CEL result as text for a message: strings as they are, anything else as JSON-ish. */
export function celToText(value: unknown): string {
  if (typeof value === "string") return value;
  return JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? Number(v) : v)) ?? String(value);
}
