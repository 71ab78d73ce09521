// The CEL environment policies are written in: the variables a rule sees, the library functions
// MCP adds, and compilation of one expression — parse, type-check, check literal regexes,
// estimate the cost, instrument for the runtime budget — with errors that carry the line and
// column of the problem.
//
// Variables:
//   object, oldObject   the object after and before the change (null on CREATE / DELETE)
//   request             {user, groups, tenant, operation, namespace, name, kind, apiGroup,
//                        resource, subresource}
//   namespaceObject     the object's Namespace (for a Namespace, the Namespace itself), or null
//   cluster             label maps of the clusters the object would be placed on
//   params              the policy's params, overlaid with the rule's
// Library: podSpec(obj) → the pod spec of a Pod or workload (null otherwise); allContainers(obj) →
// its containers, initContainers and ephemeralContainers.
import { Environment } from "@marcbachmann/cel-js";
import { type CelNode, lineColumn, walk } from "./ast.ts";
import { type Budget, withBudget } from "./budget.ts";
import { instrument, isMatchesCall } from "./instrument.ts";
import { linearRegExp, PatternError } from "./regex.ts";
import { estimateCost, MAX_ESTIMATED_COST, UNKNOWN_SIZE } from "./static-cost.ts";
import { allContainers, podSpec } from "./workloads.ts";

export const VARIABLES = ["object", "oldObject", "request", "namespaceObject", "cluster", "params"] as const;
export type Variable = (typeof VARIABLES)[number];
export type Activation = Partial<Record<Variable, unknown>>;

export const MAX_EXPRESSION_LENGTH = 10_000;

let env: Environment | undefined;

function environment(): Environment {
  env ??= new Environment({
    enableOptionalTypes: true,
    homogeneousAggregateLiterals: false,
    limits: { maxAstNodes: 5_000, maxDepth: 64, maxListElements: 1_000, maxMapEntries: 1_000 },
  })
    .registerVariable("object", "dyn")
    .registerVariable("oldObject", "dyn")
    .registerVariable("request", "map")
    .registerVariable("namespaceObject", "dyn")
    .registerVariable("cluster", "list")
    .registerVariable("params", "map")
    .registerFunction("podSpec(dyn): dyn", (o: unknown) => podSpec(o) ?? null)
    .registerFunction("allContainers(dyn): list", (o: unknown) => allContainers(o));
  return env;
}

/** A problem found while compiling, with its place in the source. */
export class CompileError extends Error {
  readonly line: number;
  readonly column: number;
  readonly summary: string;

  constructor(source: string, offset: number, summary: string) {
    const { line, column } = lineColumn(source, offset);
    super(`line ${line}, column ${column}: ${summary}`);
    this.name = "CompileError";
    this.line = line;
    this.column = column;
    this.summary = summary;
  }
}

export interface CompiledExpression {
  source: string;
  /** The variables it reads (so that costly ones, like `cluster`, are only computed when read). */
  variables: ReadonlySet<string>;
  estimatedCost: number;
  /** Evaluates within the budget; throws the CEL error, or CostLimitExceeded (see budget.exceeded). */
  evaluate(activation: Activation, budget: Budget): unknown;
}

interface CelError {
  summary?: string;
  message: string;
  range?: { start: number };
}

/** Compiles one expression that must yield `expect` (or dyn); throws CompileError. */
export function compileExpression(source: string, expect: "bool" | "string"): CompiledExpression {
  if (source.length > MAX_EXPRESSION_LENGTH)
    throw new CompileError(source, 0, `the expression is longer than ${MAX_EXPRESSION_LENGTH} characters`);
  const celEnv = environment();
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = celEnv.parse(source);
  } catch (e) {
    throw fromCelError(source, e);
  }
  const checked = parsed.check();
  if (!checked.valid) throw fromCelError(source, checked.error);
  if (checked.type !== expect && checked.type !== "dyn")
    throw new CompileError(source, 0, `the expression must evaluate to ${expect}, not ${checked.type}`);
  const root = parsed.ast as unknown as CelNode;
  const variables = new Set<string>();
  walk(root, (n) => {
    if (n.op === "id" && (VARIABLES as readonly string[]).includes(n.args as string))
      variables.add(n.args as string);
    if (isMatchesCall(n)) checkLiteralPattern(source, n);
  });
  const estimatedCost = estimateCost(root);
  if (estimatedCost > MAX_ESTIMATED_COST)
    throw new CompileError(
      source,
      0,
      `the estimated cost of the expression (${estimatedCost}) exceeds the limit of ${MAX_ESTIMATED_COST} ` +
        `(lists of unknown size count as ${UNKNOWN_SIZE} items; nested loops over the object multiply)`,
    );
  instrument(root);
  return {
    source,
    variables,
    estimatedCost,
    evaluate: (activation, budget) => withBudget(budget, () => parsed(activation)),
  };
}

function checkLiteralPattern(source: string, node: CelNode): void {
  const pattern = (node.args as [string, CelNode, CelNode[]])[2][0];
  if (pattern.op !== "value" || typeof pattern.args !== "string") return;
  try {
    linearRegExp(pattern.args);
  } catch (e) {
    if (e instanceof PatternError) throw new CompileError(source, pattern.start, e.message);
    throw e;
  }
}

function fromCelError(source: string, e: unknown): CompileError {
  const err = e as CelError;
  const summary = err.summary ?? err.message.split("\n")[0];
  return new CompileError(source, err.range?.start ?? 0, summary);
}
