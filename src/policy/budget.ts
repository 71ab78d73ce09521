// The runtime half of the cost limit. cel-js has no cost accounting of its own, so every node of
// a compiled expression is instrumented (src/policy/instrument.ts) to take one step from the
// evaluation's Budget; the budget also carries a wall-clock deadline for the few operations whose
// cost is not one step (a long list concatenation, a regex over a long string). Evaluation is
// synchronous, so the budget in force is a module-level variable set around each evaluation.

export interface CostLimits {
  /** Expression nodes evaluated, at most (a comprehension's body counts once per element). */
  maxSteps: number;
  /** Wall-clock time of one evaluation, at most. */
  maxMillis: number;
}

/** ~30-60 ms of evaluation on one core of a 2-core machine; typical rules take microseconds. */
export const DEFAULT_COST_LIMITS: CostLimits = { maxSteps: 1_000_000, maxMillis: 100 };

export class Budget {
  steps = 0;
  exceeded = false;
  readonly limits: CostLimits;
  readonly deadline: number;

  constructor(limits: CostLimits = DEFAULT_COST_LIMITS, now = performance.now()) {
    this.limits = limits;
    this.deadline = now + limits.maxMillis;
  }

  /** What an exceeded budget means, for the evaluation error. */
  describe(): string {
    return this.steps > this.limits.maxSteps
      ? `evaluation exceeded the cost limit of ${this.limits.maxSteps} steps`
      : `evaluation exceeded the time limit of ${this.limits.maxMillis} ms`;
  }
}

/**
 * Thrown (one shared instance: no stack is captured on the hot path) when the budget runs out.
 * It is an Error so cel-js's quantifiers treat it as an element's error; the evaluator checks
 * budget.exceeded afterwards, so a `||` that swallowed it cannot turn it into a result.
 */
export class CostLimitExceeded extends Error {
  constructor() {
    super("cost limit exceeded");
    this.name = "CostLimitExceeded";
  }
}

const EXCEEDED = new CostLimitExceeded();

let active: Budget | undefined;

/** One step of the active budget; throws once it is spent. Checks the clock every 256 steps. */
export function step(): void {
  const b = active;
  if (b === undefined) return;
  if (b.exceeded) throw EXCEEDED;
  b.steps++;
  if (b.steps > b.limits.maxSteps || ((b.steps & 255) === 0 && performance.now() > b.deadline)) {
    b.exceeded = true;
    throw EXCEEDED;
  }
}

/**
 * Pays for a value an operator just built: a list one step per element, a string one per 16
 * characters. Throws if that spends the budget.
 */
export function charge<T>(value: T): T {
  const b = active;
  if (b === undefined) return value;
  if (Array.isArray(value)) b.steps += value.length;
  else if (typeof value === "string") b.steps += value.length >> 4;
  if (b.steps > b.limits.maxSteps) {
    b.exceeded = true;
    throw EXCEEDED;
  }
  return value;
}

/** Runs fn with `budget` in force (nesting restores the outer one). */
export function withBudget<T>(budget: Budget, fn: () => T): T {
  const outer = active;
  active = budget;
  try {
    return fn();
  } finally {
    active = outer;
  }
}
