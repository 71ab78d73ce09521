// Small helpers the per-kind printers share: safe reads from untyped objects, the standard
// NAME/AGE column definitions, and kubectl's formatting conventions for containers and lists.
import type { KubeObject } from "../../apis/meta/types.ts";
import { since } from "./duration.ts";
import type { PrintContext, TableColumnDefinition } from "./types.ts";

export type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads a dotted path from anything; undefined when any step is missing or not an object. */
export function get(value: unknown, path: string): unknown {
  let cur = value;
  for (const part of path.split(".")) {
    if (!isObj(cur)) return undefined;
    cur = cur[part];
  }
  return cur;
}

export const str = (value: unknown, path: string, fallback = ""): string => {
  const v = get(value, path);
  return typeof v === "string" ? v : fallback;
};

export const num = (value: unknown, path: string, fallback = 0): number => {
  const v = get(value, path);
  return typeof v === "number" ? v : fallback;
};

export const bool = (value: unknown, path: string): boolean | undefined => {
  const v = get(value, path);
  return typeof v === "boolean" ? v : undefined;
};

export const list = (value: unknown, path: string): Obj[] => {
  const v = get(value, path);
  return Array.isArray(v) ? v.filter(isObj) : [];
};

export const strings = (value: unknown, path: string): string[] => {
  const v = get(value, path);
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];
};

export const record = (value: unknown, path: string): Record<string, string> => {
  const v = get(value, path);
  if (!isObj(v)) return {};
  return Object.fromEntries(Object.entries(v).filter((e): e is [string, string] => typeof e[1] === "string"));
};

export const countKeys = (value: unknown, path: string): number => {
  const v = get(value, path);
  return isObj(v) ? Object.keys(v).length : 0;
};

/** The object's AGE cell. */
export const age = (obj: KubeObject, ctx: PrintContext): string =>
  since(obj.metadata?.creationTimestamp, ctx.now);

export const nonEmpty = (s: string, placeholder = "<none>") => (s === "" ? placeholder : s);

/** The status of the condition of the given type, if present. */
export function conditionStatus(obj: unknown, type: string, path = "status.conditions"): string | undefined {
  const c = list(obj, path).find((x) => x.type === type);
  return typeof c?.status === "string" ? c.status : undefined;
}

export const hasTrueCondition = (obj: unknown, type: string) => conditionStatus(obj, type) === "True";

/** layoutContainerCells: container names and images, comma-joined in spec order. */
export function containerCells(obj: unknown, podSpecPath: string): [names: string, images: string] {
  const containers = list(obj, `${podSpecPath}.containers`);
  return [containers.map((c) => str(c, "name")).join(","), containers.map((c) => str(c, "image")).join(",")];
}

/** kubectl's "a,b,c + 2 more..." for long lists; `empty` when there is nothing. */
export function listWithMore(items: string[], max: number, empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(",");
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

// The descriptions Kubernetes attaches to the two columns every printer has.
const NAME_DESCRIPTION =
  "Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names";
export const CREATION_DESCRIPTION =
  "CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

/** A column definition; type defaults to string, priority to 0 (1 = only with -o wide). */
export function column(name: string, description: string, opts: { type?: string; priority?: number } = {}) {
  const def: TableColumnDefinition = {
    name,
    type: opts.type ?? "string",
    format: "",
    description,
    priority: opts.priority ?? 0,
  };
  return def;
}

export const NAME_COLUMN: TableColumnDefinition = { ...column("Name", NAME_DESCRIPTION), format: "name" };
export const AGE_COLUMN = column("Age", CREATION_DESCRIPTION);
export const wide = (name: string, description: string, type = "string") =>
  column(name, description, { type, priority: 1 });

export const CONTAINERS_COLUMN = wide("Containers", "Names of each container in the template.");
export const IMAGES_COLUMN = wide("Images", "Images referenced by each container in the template.");
