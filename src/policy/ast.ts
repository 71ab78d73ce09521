// The parts of cel-js's AST the policy engine reads: the documented node shape (op, args, source
// range) plus `meta`, where the parser keeps what a macro expanded to (`alternate`: the
// comprehension behind all/exists/map/filter; `macro`: has() and cel.bind()). Reading `meta` is
// what lets the cost estimator and the step counter see inside comprehensions; the tests of
// src/policy/ fail if a cel-js upgrade moves it.

export type EvaluateFn = (ev: unknown, ast: CelNode, ctx: unknown) => unknown;

export interface CelMeta {
  alternate?: CelNode;
  macro?: { evaluate: (ev: unknown, macro: unknown, ctx: unknown) => unknown };
  evaluate: EvaluateFn;
}

export interface CelNode {
  op: string;
  args: unknown;
  /** Offset of the node in the source (0-based). */
  pos: number;
  start: number;
  end: number;
  readonly meta: CelMeta;
  evaluate: EvaluateFn;
}

/** What a comprehension node (a macro's expansion) holds. */
export interface ComprehensionArgs {
  iterable: CelNode;
  iterVarName: string;
  init: CelNode;
  step: CelNode;
}

export function isNode(x: unknown): x is CelNode {
  return typeof x === "object" && x !== null && typeof (x as CelNode).op === "string" && "args" in x;
}

/** The nodes directly under `node`, including a macro's expansion. */
export function children(node: CelNode): CelNode[] {
  const out: CelNode[] = [];
  const alt = node.meta?.alternate;
  if (alt) out.push(alt);
  collect(node.op === "comprehension" ? comprehensionParts(node) : node.args, out);
  return out;
}

function comprehensionParts(node: CelNode): CelNode[] {
  const a = node.args as ComprehensionArgs;
  return [a.iterable, a.init, a.step];
}

function collect(x: unknown, out: CelNode[]): void {
  if (isNode(x)) out.push(x);
  else if (Array.isArray(x)) for (const y of x) collect(y, out);
}

/** Every node reachable from root, each once. */
export function walk(root: CelNode, visit: (n: CelNode) => void): void {
  const seen = new Set<CelNode>();
  const stack = [root];
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    visit(n);
    stack.push(...children(n));
  }
}

/** Line and column (both from 1) of an offset in the source. */
export function lineColumn(source: string, offset: number): { line: number; column: number } {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < source.length; i++) {
    if (source[i] === "\n") {
      line++;
      column = 1;
    } else column++;
  }
  return { line, column };
}
