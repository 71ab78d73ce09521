// Where a manifest keeps its containers, and the container-level overriders: image (by predicate
// path or on every container and init container), command and args (add or remove values) and
// env (add, remove, replace variables) for the containers of a given name.
import { isObject, type KubeObject } from "../apis/meta/types.ts";
import { type ImageComponent, type Operator, overrideImage } from "./overrides-image.ts";
import { podSpecOf } from "./pod-spec.ts";

type Json = Record<string, unknown>;

export interface ImageOverrider {
  predicate?: { path: string };
  component: ImageComponent;
  operator: Operator;
  value?: string;
}

export interface ListOverrider {
  containerName: string;
  operator: "add" | "remove";
  value?: string[];
}

export interface EnvOverrider {
  containerName: string;
  operator: Operator;
  value?: { name: string; value?: string }[];
}

/** Containers and init containers, in that order. */
export function containersOf(m: KubeObject): Json[] {
  const pod = podSpecOf(m) as Json | undefined;
  if (!pod) return [];
  const list = (v: unknown) => (Array.isArray(v) ? v.filter(isObject) : []);
  return [...list(pod.containers), ...list(pod.initContainers)];
}

/** Follows a JSON pointer; undefined when a step is missing. */
function resolvePointer(
  root: unknown,
  pointer: string,
): { parent: Json | unknown[]; key: string } | undefined {
  const tokens = pointer
    .slice(1)
    .split("/")
    .map((t) => t.replace(/~1/g, "/").replace(/~0/g, "~"));
  let cur: unknown = root;
  for (const t of tokens.slice(0, -1)) {
    if (Array.isArray(cur)) cur = cur[Number(t)];
    else if (isObject(cur)) cur = cur[t];
    else return undefined;
  }
  const key = tokens[tokens.length - 1];
  if (Array.isArray(cur) || isObject(cur)) return { parent: cur as Json | unknown[], key };
  return undefined;
}

export function applyImageOverrider(m: KubeObject, o: ImageOverrider): void {
  if (o.predicate) {
    const at = resolvePointer(m, o.predicate.path);
    const current = at ? (at.parent as Record<string, unknown>)[at.key] : undefined;
    if (typeof current !== "string")
      throw new Error(`predicate path ${o.predicate.path} does not lead to an image string`);
    (at!.parent as Record<string, unknown>)[at!.key] = overrideImage(
      current,
      o.component,
      o.operator,
      o.value,
    );
    return;
  }
  for (const c of containersOf(m))
    if (typeof c.image === "string") c.image = overrideImage(c.image, o.component, o.operator, o.value);
}

const named = (m: KubeObject, name: string) => containersOf(m).filter((c) => c.name === name);

/** command or args: `add` appends the values, `remove` drops every occurrence of them. */
export function applyListOverrider(m: KubeObject, field: "command" | "args", o: ListOverrider): void {
  const values = o.value ?? [];
  for (const c of named(m, o.containerName)) {
    const current = Array.isArray(c[field]) ? (c[field] as unknown[]) : [];
    const next =
      o.operator === "add" ? [...current, ...values] : current.filter((v) => !values.includes(v as string));
    if (next.length) c[field] = next;
    else delete c[field];
  }
}

export function applyEnvOverrider(m: KubeObject, o: EnvOverrider): void {
  for (const c of named(m, o.containerName)) {
    const env = (Array.isArray(c.env) ? c.env : []).filter(isObject);
    for (const v of o.value ?? []) {
      const i = env.findIndex((e) => e.name === v.name);
      if (o.operator === "remove") {
        if (i >= 0) env.splice(i, 1);
      } else if (o.operator === "replace") {
        if (i < 0)
          throw new Error(`container "${o.containerName}" has no env variable "${v.name}" to replace`);
        env[i] = { ...v };
      } else if (i >= 0) env[i] = { ...v };
      else env.push({ ...v });
    }
    if (env.length) c.env = env;
    else delete c.env;
  }
}
