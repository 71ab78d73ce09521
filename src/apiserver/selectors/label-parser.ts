// The label selector lexer and recursive-descent parser, a faithful port of the one in
// k8s.io/apimachinery/pkg/labels/selector.go: same tokens, same context rules (`in` is a value
// inside parentheses), same error messages, so clients see exactly what kube-apiserver says.
import type { LabelOperator, LabelRequirement } from "./labels.ts";
import { invalidValue, labelKeyErrors } from "./validation.ts";

type Token = "error" | "eos" | "id" | ")" | "(" | "," | "!" | "=" | "==" | "!=" | ">" | "<" | "in" | "notin";

interface Item {
  tok: Token;
  lit: string;
}

const KEYWORDS: Record<string, Token> = {
  ")": ")",
  "(": "(",
  ",": ",",
  "!": "!",
  "=": "=",
  "==": "==",
  "!=": "!=",
  ">": ">",
  "<": "<",
  in: "in",
  notin: "notin",
};

const keyword = (s: string): Token | undefined => (Object.hasOwn(KEYWORDS, s) ? KEYWORDS[s] : undefined);
const isSpecial = (ch: string) => "=!(),><".includes(ch);
const isWhitespace = (ch: string) => ch === " " || ch === "\t" || ch === "\r" || ch === "\n";

function lex(s: string): Item[] {
  const items: Item[] = [];
  let pos = 0;
  for (;;) {
    while (pos < s.length && isWhitespace(s[pos])) pos++;
    if (pos >= s.length) {
      items.push({ tok: "eos", lit: "" });
      return items;
    }
    if (isSpecial(s[pos])) {
      // Longest run of special characters that still forms a token ("!=", "==").
      let buffer = "";
      let last: Item | undefined;
      while (pos < s.length && isSpecial(s[pos])) {
        buffer += s[pos];
        const tok = keyword(buffer);
        if (tok) last = { tok, lit: buffer };
        else if (last) break;
        pos++;
      }
      items.push(last ?? { tok: "error", lit: `error expected: keyword found '${buffer}'` });
      continue;
    }
    const start = pos;
    while (pos < s.length && !isSpecial(s[pos]) && !isWhitespace(s[pos])) pos++;
    const word = s.slice(start, pos);
    items.push({ tok: keyword(word) ?? "id", lit: word });
  }
}

/** Validates a requirement as labels.NewRequirement does; returns an error message or undefined. */
export type RequirementCheck = (
  key: string,
  op: LabelOperator,
  values: readonly string[],
) => string | undefined;

class ParseError extends Error {}

class Parser {
  private readonly items: Item[];
  private position = 0;

  constructor(input: string) {
    this.items = lex(input);
  }

  // Inside values, `in` and `notin` are ordinary identifiers (`x in (in)`).
  lookahead(values: boolean): Item {
    const item = this.items[Math.min(this.position, this.items.length - 1)];
    return values && (item.tok === "in" || item.tok === "notin") ? { tok: "id", lit: item.lit } : item;
  }

  consume(values: boolean): Item {
    const item = this.lookahead(values);
    this.position++;
    return item;
  }

  parseKeyAndInferOperator(): { key: string; op?: LabelOperator } {
    let op: LabelOperator | undefined;
    let { tok, lit } = this.consume(true);
    if (tok === "!") {
      op = "!";
      ({ tok, lit } = this.consume(true));
    }
    if (tok !== "id") throw new ParseError(`found '${lit}', expected: identifier`);
    const keyErrs = labelKeyErrors(lit);
    if (keyErrs.length > 0) throw new ParseError(invalidValue("<nil>", lit, keyErrs.join("; ")));
    const next = this.lookahead(true).tok;
    if ((next === "eos" || next === ",") && op !== "!") op = "exists";
    return { key: lit, op };
  }

  parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case "in":
        return "in";
      case "notin":
        return "notin";
      case "=":
        return "=";
      case "==":
        return "==";
      case "!=":
        return "!=";
      case ">":
        return "gt";
      case "<":
        return "lt";
      default:
        throw new ParseError(`found '${lit}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.tok !== "(") throw new ParseError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    if (tok === "id" || tok === ",") {
      const set = this.parseIdentifiersList();
      if (this.consume(true).tok !== ")") throw new ParseError(`found '${lit}', expected: ')'`);
      return set;
    }
    if (tok === ")") {
      this.consume(true);
      return new Set([""]);
    }
    throw new ParseError(`found '${lit}', expected: ',', ')' or identifier`);
  }

  // Empty entries are values too: `(a,,b)`, `(,a)` and `(a,)` all include "".
  parseIdentifiersList(): Set<string> {
    const set = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      if (tok === "id") {
        set.add(lit);
        const next = this.lookahead(true);
        if (next.tok === ",") continue;
        if (next.tok === ")") return set;
        throw new ParseError(`found '${next.lit}', expected: ',' or ')'`);
      }
      if (tok !== ",") throw new ParseError(`found '${lit}', expected: ',', or identifier`);
      if (set.size === 0) set.add("");
      const next = this.lookahead(true).tok;
      if (next === ")") {
        set.add("");
        return set;
      }
      if (next === ",") set.add("");
    }
  }

  parseExactValue(): Set<string> {
    const next = this.lookahead(true).tok;
    if (next === "eos" || next === ",") return new Set([""]);
    const { tok, lit } = this.consume(true);
    if (tok === "id") return new Set([lit]);
    throw new ParseError(`found '${lit}', expected: identifier`);
  }

  parseRequirement(check: RequirementCheck): LabelRequirement {
    const { key, op: inferred } = this.parseKeyAndInferOperator();
    if (inferred === "exists" || inferred === "!") return validated(check, key, inferred, []);
    const op = this.parseOperator();
    const set = op === "in" || op === "notin" ? this.parseValues() : this.parseExactValue();
    // sets.String.List(): values come out de-duplicated and sorted.
    return validated(check, key, op, [...set].sort());
  }
}

function validated(
  check: RequirementCheck,
  key: string,
  operator: LabelOperator,
  values: string[],
): LabelRequirement {
  const err = check(key, operator, values);
  if (err) throw new ParseError(err);
  return { key, operator, values };
}

/** Parses a selector string into requirements, or returns Kubernetes' error message. */
export function parseRequirements(input: string, check: RequirementCheck): LabelRequirement[] | string {
  const p = new Parser(input);
  const reqs: LabelRequirement[] = [];
  for (;;) {
    const { tok, lit } = p.lookahead(true);
    if (tok === "eos") return reqs;
    if (tok !== "id" && tok !== "!") return `found '${lit}', expected: !, identifier, or 'end of string'`;
    try {
      reqs.push(p.parseRequirement(check));
    } catch (err) {
      if (err instanceof ParseError) return `unable to parse requirement: ${err.message}`;
      throw err;
    }
    const after = p.consume(true);
    if (after.tok === "eos") return reqs;
    if (after.tok !== ",") return `found '${after.lit}', expected: ',' or 'end of string'`;
    const next = p.lookahead(true);
    if (next.tok !== "id" && next.tok !== "!") return `found '${next.lit}', expected: identifier after ','`;
  }
}
