// Instruments a parsed expression for bounded evaluation: every node takes one step from the
// active Budget before it runs (src/policy/budget.ts), and string.matches() runs on the
// linear-time regex engine with an input size cap (src/policy/regex.ts) instead of cel-js's
// backtracking RegExp. Done once per compiled expression; evaluation then costs one extra call
// per node.
import { type CelNode, walk } from "./ast.ts";
import { charge, step } from "./budget.ts";
import { matches } from "./regex.ts";

const instrumented = new WeakSet<CelNode>();

export function instrument(root: CelNode): void {
  walk(root, (node) => {
    if (instrumented.has(node)) return;
    instrumented.add(node);
    node.evaluate = isMatchesCall(node) ? boundedMatches(node) : counted(node);
  });
}

/** `s.matches(p)`: an rcall named matches with one argument. */
export function isMatchesCall(node: CelNode): boolean {
  return node.op === "rcall" && (node.args as unknown[])[0] === "matches" && matchesArgs(node).length === 1;
}

function matchesArgs(node: CelNode): CelNode[] {
  return (node.args as [string, CelNode, CelNode[]])[2];
}

/**
 * The node's own evaluation, resolved as cel-js's ASTNode.evaluate does, after one step. A `+`
 * also pays for what it built (see budget.charge), so repeated doubling stops after one big copy.
 */
function counted(node: CelNode) {
  const meta = node.meta;
  if (node.op === "+")
    return (ev: unknown, ast: CelNode, ctx: unknown): unknown => {
      step();
      return charge(meta.evaluate(ev, ast, ctx));
    };
  return (ev: unknown, ast: CelNode, ctx: unknown): unknown => {
    step();
    const alt = meta.alternate;
    if (alt) return alt.evaluate(ev, alt, ctx);
    const macro = meta.macro;
    if (macro) return macro.evaluate(ev, macro, ctx);
    return meta.evaluate(ev, ast, ctx);
  };
}

interface Runner {
  run(node: CelNode, ctx: unknown): unknown;
}

function boundedMatches(node: CelNode) {
  const receiver = (node.args as [string, CelNode])[1];
  const pattern = matchesArgs(node)[0];
  return (ev: unknown, _ast: CelNode, ctx: unknown): unknown => {
    step();
    const r = ev as Runner;
    const input = r.run(receiver, ctx);
    const re = r.run(pattern, ctx);
    if (typeof input !== "string" || typeof re !== "string")
      throw new TypeError("matches() takes a string receiver and a string pattern");
    return matches(input, re);
  };
}
