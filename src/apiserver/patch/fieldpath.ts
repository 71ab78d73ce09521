// Field paths and field sets as structured-merge-diff defines them, and their FieldsV1 wire form
// (`f:name`, `k:{"name":"nginx"}`, `v:"value"`, `i:0`, `.` for the node itself), ordered exactly
// as Kubernetes serializes managedFields so stored objects are byte-compatible.

import { errors } from "../errors.ts";
import { goJson, isJsonObject, type JsonObject } from "./json-value.ts";

/** One serialized path element: `f:<field>`, `k:<json>`, `v:<json>` or `i:<index>`. */
export type PathElement = string;
export type FieldPath = readonly PathElement[];

/** A set of field paths; members are `pathKey()` strings. */
export type FieldSet = Set<string>;

export const fieldElement = (name: string): PathElement => `f:${name}`;

/** A map-list item's key: fields sorted by name, compact JSON, as SMD's KeyByFields does. */
export function keyElement(fields: Readonly<Record<string, unknown>>): PathElement {
  const names = Object.keys(fields).sort(compareStrings);
  return `k:{${names.map((n) => `${goJson(n)}:${goJson(fields[n])}`).join(",")}}`;
}

export const valueElement = (value: unknown): PathElement => `v:${goJson(value)}`;

export const pathKey = (path: FieldPath): string => JSON.stringify(path);
export const keyPath = (key: string): PathElement[] => JSON.parse(key) as PathElement[];

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Re-serializes an element in canonical form; throws on anything that is not one. */
export function canonicalElement(pe: string): PathElement {
  const body = pe.slice(2);
  switch (pe.slice(0, 2)) {
    case "f:":
      return pe;
    case "k:": {
      const fields = JSON.parse(body) as unknown;
      if (!isJsonObject(fields)) throw new Error(`invalid key element ${pe}`);
      return keyElement(fields);
    }
    case "v:":
      return valueElement(JSON.parse(body));
    case "i:":
      if (!/^(0|[1-9][0-9]*)$/.test(body)) throw new Error(`invalid index element ${pe}`);
      return pe;
    default:
      throw new Error(`unknown path element type in ${JSON.stringify(pe)}`);
  }
}

// Ordering among elements: fields < keys < values < indices (SMD PathElement.Compare).
const TYPE_ORDER: Record<string, number> = { "f:": 0, "k:": 1, "v:": 2, "i:": 3 };

/** SMD's value ordering: numbers < strings < booleans < lists < maps < null. */
function compareValues(a: unknown, b: unknown): number {
  const rank = (v: unknown) =>
    typeof v === "number"
      ? 0
      : typeof v === "string"
        ? 1
        : typeof v === "boolean"
          ? 2
          : Array.isArray(v)
            ? 3
            : v === null
              ? 5
              : 4;
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return compareStrings(a, b);
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return compareStrings(JSON.stringify(a), JSON.stringify(b));
}

export function compareElements(a: PathElement, b: PathElement): number {
  const ta = TYPE_ORDER[a.slice(0, 2)];
  const tb = TYPE_ORDER[b.slice(0, 2)];
  if (ta !== tb) return ta - tb;
  const ba = a.slice(2);
  const bb = b.slice(2);
  if (ta === 0) return compareStrings(ba, bb);
  if (ta === 3) return Number(ba) - Number(bb);
  if (ta === 2) return compareValues(JSON.parse(ba), JSON.parse(bb));
  const fa = Object.entries(JSON.parse(ba) as JsonObject);
  const fb = Object.entries(JSON.parse(bb) as JsonObject);
  for (let i = 0; ; i++) {
    if (i >= fa.length || i >= fb.length) return fa.length - fb.length;
    const byName = compareStrings(fa[i][0], fb[i][0]);
    if (byName !== 0) return byName;
    const byValue = compareValues(fa[i][1], fb[i][1]);
    if (byValue !== 0) return byValue;
  }
}

/** Go's %v/%q rendering of a key or set value inside a human-readable path. */
function valueString(v: unknown): string {
  return typeof v === "string"
    ? JSON.stringify(v)
    : Array.isArray(v) || isJsonObject(v)
      ? goJson(v)
      : String(v);
}

/** The human form used in conflict messages: `.spec.template.spec.containers[name="nginx"].image`. */
export function pathString(path: FieldPath): string {
  return path
    .map((pe) => {
      const body = pe.slice(2);
      switch (pe.slice(0, 2)) {
        case "f:":
          return `.${body}`;
        case "k:":
          return `[${Object.entries(JSON.parse(body) as JsonObject)
            .map(([k, v]) => `${k}=${valueString(v)}`)
            .join(",")}]`;
        case "v:":
          return `[=${valueString(JSON.parse(body))}]`;
        default:
          return `[${body}]`;
      }
    })
    .join("");
}

interface Node {
  member: boolean;
  children: Map<PathElement, Node>;
}

/** Encodes a field set as a FieldsV1 object: children in SMD order, `.` first when a node is also a member. */
export function encodeFieldsV1(set: FieldSet): JsonObject {
  const root: Node = { member: false, children: new Map() };
  for (const key of set) {
    let node = root;
    for (const pe of keyPath(key)) {
      let child = node.children.get(pe);
      if (!child) {
        child = { member: false, children: new Map() };
        node.children.set(pe, child);
      }
      node = child;
    }
    node.member = true;
  }
  return emit(root, false);
}

function emit(node: Node, includeSelf: boolean): JsonObject {
  const out: JsonObject = {};
  if (includeSelf && node.member && node.children.size > 0) out["."] = {};
  for (const pe of [...node.children.keys()].sort(compareElements)) {
    const child = node.children.get(pe)!;
    out[pe] = child.children.size > 0 ? emit(child, true) : {};
  }
  return out;
}

/** Decodes FieldsV1; malformed input throws (callers treat such managedFields as absent). */
export function decodeFieldsV1(fields: unknown): FieldSet {
  const out: FieldSet = new Set();
  const walk = (obj: unknown, prefix: PathElement[]) => {
    if (!isJsonObject(obj)) throw errors.badRequest("FieldsV1 must be a JSON object");
    for (const [k, v] of Object.entries(obj)) {
      if (k === ".") {
        if (prefix.length > 0) out.add(pathKey(prefix));
        continue;
      }
      const path = [...prefix, canonicalElement(k)];
      if (isJsonObject(v) && Object.keys(v).length === 0) out.add(pathKey(path));
      else walk(v, path);
    }
  };
  walk(fields, []);
  return out;
}

export function union(...sets: FieldSet[]): FieldSet {
  const out: FieldSet = new Set();
  for (const s of sets) for (const k of s) out.add(k);
  return out;
}

export function difference(a: FieldSet, b: FieldSet): FieldSet {
  return new Set([...a].filter((k) => !b.has(k)));
}

export function intersection(a: FieldSet, b: FieldSet): FieldSet {
  return new Set([...a].filter((k) => b.has(k)));
}

/** Every path that is a member of the set or an ancestor of one. */
export function withAncestors(set: FieldSet): FieldSet {
  const out: FieldSet = new Set();
  for (const key of set) {
    const path = keyPath(key);
    for (let i = 1; i <= path.length; i++) out.add(pathKey(path.slice(0, i)));
  }
  return out;
}

/** Paths in SMD's iteration order: at each level members first, then children, each sorted. */
export function sortedPaths(set: FieldSet): PathElement[][] {
  return [...set].map(keyPath).sort((a, b) => {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (a[i] === b[i]) continue;
      const aMember = i === a.length - 1;
      const bMember = i === b.length - 1;
      if (aMember !== bMember) return aMember ? -1 : 1;
      return compareElements(a[i], b[i]);
    }
    return a.length - b.length;
  });
}
