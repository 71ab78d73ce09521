// Small helpers for defaulting hooks: Kubernetes objects arrive as plain JSON, so defaulting
// walks untyped records, creating the nested objects a default needs (as Go's zero values do).
export type Rec = Record<string, unknown>;

export function isRec(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The object at parent[key], created (or replaced when it is not an object) if needed. */
export function child(parent: Rec, key: string): Rec {
  const v = parent[key];
  if (isRec(v)) return v;
  const created: Rec = {};
  parent[key] = created;
  return created;
}

/** Sets parent[key] when it is absent (undefined or null), the way a nil pointer is defaulted. */
export function setDefault(parent: Rec, key: string, value: unknown): void {
  if (parent[key] === undefined || parent[key] === null) parent[key] = value;
}

/** Sets parent[key] when it is absent or the empty string, the way an empty Go string is defaulted. */
export function setDefaultString(parent: Rec, key: string, value: string): void {
  if (parent[key] === undefined || parent[key] === null || parent[key] === "") parent[key] = value;
}

/** The records of an array field (non-objects skipped). */
export function records(v: unknown): Rec[] {
  return Array.isArray(v) ? v.filter(isRec) : [];
}
