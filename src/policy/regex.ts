// Regular expressions for CEL's matches(): compiled by V8's linear-time engine (the `l` flag),
// which has RE2's guarantees — CEL specifies RE2 — so no pattern can backtrack exponentially and
// stall the process (ReDoS). The engine refuses what it cannot run in linear time (back-references,
// lookaround); such a pattern is an error, at policy write time when it is a literal.
import { setFlagsFromString } from "node:v8";

// The flag only admits the `l` flag on new RegExps; existing ones and every other regexp in the
// process are unaffected.
setFlagsFromString("--enable-experimental-regexp-engine");

/** Longer inputs are refused: even linear matching costs ~0.1 µs per character. */
export const MAX_MATCH_INPUT = 64 * 1024;
export const MAX_PATTERN_LENGTH = 1024;

const cache = new Map<string, RegExp>();
const CACHE_SIZE = 256;

export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PatternError";
  }
}

/** The compiled pattern; throws PatternError for an invalid or not linear-time pattern. */
export function linearRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  if (pattern.length > MAX_PATTERN_LENGTH)
    throw new PatternError(`the pattern is longer than ${MAX_PATTERN_LENGTH} characters`);
  let re: RegExp;
  try {
    re = new RegExp(pattern, "l");
  } catch (e) {
    const why = (e as Error).message.replace(/^Invalid regular expression: /, "");
    throw new PatternError(
      /linear time/.test(why)
        ? `the pattern ${JSON.stringify(pattern)} uses back-references or lookaround, which RE2 (and CEL) do not support`
        : `invalid regular expression: ${why}`,
    );
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(pattern, re);
  return re;
}

/** CEL's string.matches(pattern): a search (not anchored), as RE2's PartialMatch. */
export function matches(input: string, pattern: string): boolean {
  const re = linearRegExp(pattern);
  if (input.length > MAX_MATCH_INPUT)
    throw new PatternError(`matches() input is longer than ${MAX_MATCH_INPUT} characters`);
  return re.test(input);
}
