// The built-in named conditions (src/policy/data/conditions.yaml), loaded once and compiled on
// first use with the same compiler as users' expressions.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { type CompiledExpression, compileExpression } from "./cel-env.ts";
import type { PolicyMatchSpec } from "./policy-types.ts";

export interface BuiltinCondition {
  name: string;
  description: string;
  /** Used when a rule names this condition without a match of its own. */
  match?: PolicyMatchSpec;
  /** Params the rule (or policy) must provide: name → what it is. */
  params?: Record<string, string>;
  condition: string;
  messageExpression?: string;
}

const FILE = new URL("./data/conditions.yaml", import.meta.url);

/** Built-in names look like `cross-tenant-access`: lower-case words joined by hyphens. */
export const BUILTIN_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)+$/;

let loaded: Map<string, BuiltinCondition> | undefined;
const compiled = new Map<string, { condition: CompiledExpression; message?: CompiledExpression }>();

export function builtinConditions(): Map<string, BuiltinCondition> {
  if (loaded) return loaded;
  const raw = parse(readFileSync(FILE, "utf8")) as BuiltinCondition[];
  loaded = new Map();
  for (const b of raw) {
    if (typeof b.name !== "string" || !BUILTIN_NAME.test(b.name) || typeof b.condition !== "string")
      throw new Error(`${FILE.pathname}: every entry needs a hyphenated name and a condition`);
    loaded.set(b.name, { ...b, description: String(b.description ?? "").trim() });
  }
  return loaded;
}

/** The compiled condition and message of a built-in (compiled once per process). */
export function compiledBuiltin(name: string): {
  condition: CompiledExpression;
  message?: CompiledExpression;
} {
  const hit = compiled.get(name);
  if (hit) return hit;
  const b = builtinConditions().get(name);
  if (!b) throw new Error(`no built-in condition "${name}"`);
  const out = {
    condition: compileExpression(b.condition, "bool"),
    ...(b.messageExpression ? { message: compileExpression(b.messageExpression, "string") } : {}),
  };
  compiled.set(name, out);
  return out;
}
