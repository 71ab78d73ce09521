// The compile-time half of the cost limit: an upper estimate of the steps an expression takes,
// in the units the runtime budget counts (one per node evaluated). Sizes of lists, maps and
// strings that come from the input are unknown and assumed to be UNKNOWN_SIZE; literal sizes are
// exact. A comprehension costs its range's size times its body; `+` copies both sides; cel.bind
// carries the size of what it binds. So nested loops over input (or over big literals) and
// repeated doubling are rejected when the policy is written, as Kubernetes' CEL cost estimator
// rejects them, while the runtime budget still bounds whatever the estimate lets through.
import type { CelNode, ComprehensionArgs } from "./ast.ts";

/** Assumed length of a list, map or string whose size is not known when compiling. */
export const UNKNOWN_SIZE = 100;
/** The largest estimated cost a policy may have (the same unit and value as the runtime budget). */
export const MAX_ESTIMATED_COST = 1_000_000;

interface Estimate {
  cost: number;
  /** Length of the value (list elements, map entries, string characters). */
  size: number;
}

type Scope = ReadonlyMap<string, number>;

const UNKNOWN: Estimate = { cost: 1, size: UNKNOWN_SIZE };

export function estimateCost(root: CelNode): number {
  return estimate(root, new Map()).cost;
}

function estimate(node: CelNode, scope: Scope): Estimate {
  const alt = node.meta?.alternate;
  if (alt) return estimate(alt, scope);
  const args = node.args;
  switch (node.op) {
    case "value":
      return { cost: 1, size: typeof args === "string" ? args.length : 1 };
    case "id":
      return { cost: 1, size: scope.get(args as string) ?? UNKNOWN_SIZE };
    case "list":
    case "map": {
      const items = (args as unknown[]).flat() as CelNode[];
      return { cost: 1 + sum(items.map((n) => estimate(n, scope).cost)), size: (args as unknown[]).length };
    }
    case "comprehension":
      return comprehension(args as ComprehensionArgs, scope);
    case "+": {
      const [a, b] = (args as CelNode[]).map((n) => estimate(n, scope));
      // Concatenation copies both sides.
      return { cost: 1 + a.cost + b.cost + a.size + b.size, size: a.size + b.size };
    }
    case "?:": {
      const [c, a, b] = (args as CelNode[]).map((n) => estimate(n, scope));
      return { cost: 1 + c.cost + Math.max(a.cost, b.cost), size: Math.max(a.size, b.size) };
    }
    case "rcall":
      return call(node, scope);
    case "call": {
      const [, callArgs] = args as [string, CelNode[]];
      return linearCall(callArgs.map((n) => estimate(n, scope)));
    }
    case "accuValue":
    case "accuInc":
      return UNKNOWN;
    default: {
      // Operators, field and index access: one step plus their operands; `in` scans its list.
      const parts = operands(args).map((n) => estimate(n, scope));
      const scan = node.op === "in" ? maxSize(parts) : 0;
      return { cost: 1 + sum(parts.map((p) => p.cost)) + scan, size: UNKNOWN_SIZE };
    }
  }
}

function comprehension(a: ComprehensionArgs, scope: Scope): Estimate {
  const range = estimate(a.iterable, scope);
  const inner = new Map(scope).set(a.iterVarName, UNKNOWN_SIZE);
  const body = estimate(a.step, inner);
  const init = estimate(a.init, scope);
  return { cost: 1 + range.cost + init.cost + range.size * (body.cost + 1), size: range.size };
}

function call(node: CelNode, scope: Scope): Estimate {
  const [name, receiver, callArgs] = node.args as [string, CelNode, CelNode[]];
  if (name === "bind" && receiver?.op === "id" && receiver.args === "cel" && callArgs.length === 3) {
    const [variable, value, body] = callArgs;
    const bound = estimate(value, scope);
    const inner = new Map(scope).set(variable.args as string, bound.size);
    const out = estimate(body, inner);
    return { cost: 1 + bound.cost + out.cost, size: out.size };
  }
  return linearCall([estimate(receiver, scope), ...callArgs.map((n) => estimate(n, scope))]);
}

/**
 * A library function: its operands, plus a pass over the largest of them at a tenth of a step
 * per item (string functions run natively, far faster than an evaluated node).
 */
function linearCall(parts: Estimate[]): Estimate {
  const largest = maxSize(parts);
  return {
    cost: 1 + sum(parts.map((p) => p.cost)) + Math.ceil(largest / 10),
    size: Math.max(UNKNOWN_SIZE, largest),
  };
}

function operands(args: unknown): CelNode[] {
  if (Array.isArray(args)) return args.filter((a): a is CelNode => typeof a === "object" && a !== null);
  return typeof args === "object" && args !== null ? [args as CelNode] : [];
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
const maxSize = (xs: Estimate[]) => xs.reduce((m, x) => Math.max(m, x.size), 0);
