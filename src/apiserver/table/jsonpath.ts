// The JSONPath subset that CRD additionalPrinterColumns use (k8s.io/client-go/util/jsonpath):
// `.a.b`, `['a.b']`, `\.`-escaped keys, `[n]` (negative from the end), `[a:b]`, `[*]`, `.*`,
// `..name`, and filters `[?(@.type=="Ready")]` with == != < <= > >= or bare existence.
// Missing keys yield no result rather than an error, as the CRD table convertor asks.

type Literal = string | number | boolean;

type Step =
  | { kind: "field"; name: string }
  | { kind: "descendants"; name: string }
  | { kind: "wildcard" }
  | { kind: "index"; index: number }
  | { kind: "slice"; start?: number; end?: number; step?: number }
  | { kind: "filter"; left: Step[]; op?: string; right?: Literal | Step[] };

export type JsonPath = (data: unknown) => unknown[];

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

function readName(s: string, pos: number): [name: string, next: number] {
  let name = "";
  while (pos < s.length && s[pos] !== "." && s[pos] !== "[") {
    if (s[pos] === "\\" && s[pos + 1] === ".") {
      name += ".";
      pos += 2;
    } else name += s[pos++];
  }
  return [name, pos];
}

/** Index of the `]` closing the bracket opened at `open`, skipping quoted text and parentheses. */
function closingBracket(s: string, open: number): number {
  let quote = "";
  let depth = 0;
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i];
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === "'" || c === '"') quote = c;
    else if (c === "(") depth++;
    else if (c === ")") depth--;
    else if (c === "]" && depth === 0) return i;
  }
  throw new Error(`unclosed bracket in JSONPath ${JSON.stringify(s)}`);
}

const QUOTED = /^(['"])(.*)\1$/s;
const INTEGER = /^-?\d+$/;
const FILTER_OPS = ["==", "!=", "<=", ">=", "<", ">"];

function parseLiteral(text: string, expr: string): Literal | Step[] {
  const quoted = QUOTED.exec(text);
  if (quoted) return quoted[2];
  if (text === "true" || text === "false") return text === "true";
  if (text !== "" && !Number.isNaN(Number(text))) return Number(text);
  if (text.startsWith("@")) return parseSteps(text.slice(1));
  throw new Error(`unrecognized filter operand ${JSON.stringify(text)} in JSONPath ${JSON.stringify(expr)}`);
}

function parseFilter(inner: string, expr: string): Step {
  let quote = "";
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (quote) {
      if (c === quote) quote = "";
      continue;
    }
    if (c === "'" || c === '"') quote = c;
    const op = FILTER_OPS.find((o) => inner.startsWith(o, i));
    if (op) {
      const left = inner.slice(0, i).trim();
      if (!left.startsWith("@"))
        throw new Error(`filter must start with @ in JSONPath ${JSON.stringify(expr)}`);
      return {
        kind: "filter",
        left: parseSteps(left.slice(1)),
        op,
        right: parseLiteral(inner.slice(i + op.length).trim(), expr),
      };
    }
  }
  const left = inner.trim();
  if (!left.startsWith("@")) throw new Error(`filter must start with @ in JSONPath ${JSON.stringify(expr)}`);
  return { kind: "filter", left: parseSteps(left.slice(1)) };
}

function parseBracket(inner: string, expr: string): Step {
  if (inner === "*") return { kind: "wildcard" };
  if (inner.startsWith("?(") && inner.endsWith(")")) return parseFilter(inner.slice(2, -1), expr);
  const quoted = QUOTED.exec(inner);
  if (quoted) return { kind: "field", name: quoted[2] };
  if (INTEGER.test(inner)) return { kind: "index", index: Number(inner) };
  const parts = inner.split(":");
  if (parts.length >= 2 && parts.length <= 3 && parts.every((p) => p === "" || INTEGER.test(p))) {
    const [start, end, step] = parts.map((p) => (p === "" ? undefined : Number(p)));
    return { kind: "slice", start, end, step };
  }
  throw new Error(`unsupported JSONPath segment [${inner}] in ${JSON.stringify(expr)}`);
}

function parseSteps(expr: string): Step[] {
  const steps: Step[] = [];
  let pos = 0;
  while (pos < expr.length) {
    if (expr.startsWith("..", pos)) {
      const [name, next] = readName(expr, pos + 2);
      if (!name) throw new Error(`missing name after .. in JSONPath ${JSON.stringify(expr)}`);
      steps.push({ kind: "descendants", name });
      pos = next;
    } else if (expr[pos] === ".") {
      const [name, next] = readName(expr, pos + 1);
      if (name === "*") steps.push({ kind: "wildcard" });
      else if (name) steps.push({ kind: "field", name });
      pos = next;
    } else if (expr[pos] === "[") {
      const close = closingBracket(expr, pos);
      steps.push(parseBracket(expr.slice(pos + 1, close).trim(), expr));
      pos = close + 1;
    } else {
      throw new Error(`unexpected ${JSON.stringify(expr[pos])} in JSONPath ${JSON.stringify(expr)}`);
    }
  }
  return steps;
}

function descendants(value: unknown, name: string, out: unknown[]): void {
  if (isRecord(value)) {
    if (Object.hasOwn(value, name)) out.push(value[name]);
    for (const v of Object.values(value)) descendants(v, name, out);
  } else if (Array.isArray(value)) {
    for (const v of value) descendants(v, name, out);
  }
}

function compare(left: unknown, op: string, right: unknown): boolean {
  if (op === "==") return left === right;
  if (op === "!=") return left !== right;
  const comparable =
    (typeof left === "number" && typeof right === "number") ||
    (typeof left === "string" && typeof right === "string");
  if (!comparable) return false;
  const [a, b] = [left, right] as [number, number];
  return op === "<" ? a < b : op === "<=" ? a <= b : op === ">" ? a > b : a >= b;
}

function keep(element: unknown, step: Extract<Step, { kind: "filter" }>): boolean {
  const left = run(step.left, [element]);
  if (step.op === undefined) return left.length > 0;
  if (left.length === 0) return false;
  const right = Array.isArray(step.right) ? run(step.right, [element])[0] : step.right;
  return compare(left[0], step.op, right);
}

function slice(arr: unknown[], step: Extract<Step, { kind: "slice" }>): unknown[] {
  const norm = (n: number) => (n < 0 ? Math.max(arr.length + n, 0) : Math.min(n, arr.length));
  const start = norm(step.start ?? 0);
  const end = norm(step.end ?? arr.length);
  const by = step.step && step.step > 0 ? step.step : 1;
  const out: unknown[] = [];
  for (let i = start; i < end; i += by) out.push(arr[i]);
  return out;
}

function apply(step: Step, value: unknown, out: unknown[]): void {
  switch (step.kind) {
    case "field":
      if (isRecord(value) && Object.hasOwn(value, step.name)) out.push(value[step.name]);
      return;
    case "descendants":
      descendants(value, step.name, out);
      return;
    case "wildcard":
      if (Array.isArray(value)) out.push(...value);
      else if (isRecord(value)) out.push(...Object.values(value));
      return;
    case "index": {
      if (!Array.isArray(value)) return;
      const i = step.index < 0 ? value.length + step.index : step.index;
      if (i >= 0 && i < value.length) out.push(value[i]);
      return;
    }
    case "slice":
      if (Array.isArray(value)) out.push(...slice(value, step));
      return;
    case "filter":
      if (Array.isArray(value)) out.push(...value.filter((e) => keep(e, step)));
      return;
  }
}

function run(steps: Step[], input: unknown[]): unknown[] {
  let values = input;
  for (const step of steps) {
    const next: unknown[] = [];
    for (const v of values) apply(step, v, next);
    values = next;
  }
  return values;
}

/** Compiles a JSONPath (optionally wrapped in `{}` and/or starting with `$`); throws on bad syntax. */
export function compileJsonPath(expr: string): JsonPath {
  let body = expr.trim();
  if (body.startsWith("{") && body.endsWith("}")) body = body.slice(1, -1).trim();
  if (body.startsWith("$")) body = body.slice(1);
  const steps = parseSteps(body);
  return (data) => run(steps, [data]);
}
