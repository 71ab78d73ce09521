// Field paths as users write them in mcp.platform/retain-fields and read them in a status' drift:
// `spec.replicas`, `spec.template.spec.containers[0].image`, and `metadata.labels["app.kubernetes.io/name"]`
// for keys that are not plain identifiers. Plus reading, setting and removing a value at a path.

export type PathSegment = string | number;

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

export function formatPath(path: readonly PathSegment[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (PLAIN_KEY.test(seg)) out += out ? `.${seg}` : seg;
    else out += `[${JSON.stringify(seg)}]`;
  }
  return out;
}

/** Parses a path; throws with the position of the first thing it cannot read. */
export function parsePath(text: string): PathSegment[] {
  const segs: PathSegment[] = [];
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`invalid field path ${JSON.stringify(text)} at ${i}: ${what}`);
  };
  while (i < text.length) {
    if (text[i] === "[") {
      const close = text.indexOf("]", i);
      if (close < 0) fail("unclosed [");
      const inner = text.slice(i + 1, close).trim();
      if (/^\d+$/.test(inner)) segs.push(Number(inner));
      else if (/^"(?:[^"\\]|\\.)*"$/.test(inner)) segs.push(JSON.parse(inner) as string);
      else if (/^'[^']*'$/.test(inner)) segs.push(inner.slice(1, -1));
      else fail("expected an index or a quoted key");
      i = close + 1;
      if (i < text.length && text[i] === ".") {
        i++;
        if (i >= text.length) fail("a path cannot end with .");
      }
      continue;
    }
    let end = i;
    while (end < text.length && text[end] !== "." && text[end] !== "[") end++;
    const key = text.slice(i, end).trim();
    if (!key) fail("empty key");
    segs.push(key);
    i = end;
    if (text[i] === ".") {
      i++;
      if (i >= text.length) fail("a path cannot end with .");
    }
  }
  if (segs.length === 0) fail("empty path");
  return segs;
}

/** The comma-separated paths of an annotation value; unreadable ones are reported, not thrown. */
export function parsePathList(value: string | undefined): { paths: PathSegment[][]; errors: string[] } {
  const paths: PathSegment[][] = [];
  const errors: string[] = [];
  for (const part of (value ?? "").split(",")) {
    if (!part.trim()) continue;
    try {
      paths.push(parsePath(part.trim()));
    } catch (e) {
      errors.push((e as Error).message);
    }
  }
  return { paths, errors };
}

type Container = Record<string, unknown> | unknown[];

function child(v: unknown, seg: PathSegment): unknown {
  if (typeof seg === "number") return Array.isArray(v) ? v[seg] : undefined;
  return isPlainObject(v) ? v[seg] : undefined;
}

export function getPath(obj: unknown, path: readonly PathSegment[]): unknown {
  let v = obj;
  for (const seg of path) v = child(v, seg);
  return v;
}

/**
 * Sets a value, creating missing objects on the way (never arrays: an index into a list that is
 * not there is skipped, as there is nothing to keep). Returns whether it was set.
 */
export function setPath(obj: Record<string, unknown>, path: readonly PathSegment[], value: unknown): boolean {
  let v: Container = obj;
  for (let i = 0; i < path.length - 1; i++) {
    const seg = path[i];
    let next = child(v, seg);
    if (next === undefined && typeof seg === "string" && isPlainObject(v)) {
      next = {};
      v[seg] = next;
    }
    if (!isPlainObject(next) && !Array.isArray(next)) return false;
    v = next;
  }
  const last = path[path.length - 1];
  if (typeof last === "number") {
    if (!Array.isArray(v) || last >= v.length) return false;
    v[last] = value;
  } else {
    if (!isPlainObject(v)) return false;
    v[last] = value;
  }
  return true;
}

/** Removes the value at a path (a list item is removed from its list). */
export function deletePath(obj: unknown, path: readonly PathSegment[]): void {
  const parent = getPath(obj, path.slice(0, -1));
  const last = path[path.length - 1];
  if (typeof last === "number" && Array.isArray(parent)) {
    if (last < parent.length) parent.splice(last, 1);
  } else if (typeof last === "string" && isPlainObject(parent)) {
    delete parent[last];
  }
}

export function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}
