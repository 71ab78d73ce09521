// The head of a stored object — apiVersion, kind and metadata — read without parsing the rest.
// Controllers that only look at metadata (the garbage collector sees every write at the hub,
// including every Work) need not build each spec and status. Stored values are encode()'s
// JSON.stringify output, whose top-level members come in the object's own order, metadata among
// the first; when they do not come first (or the text is not as expected), the whole value is
// parsed instead, so the result is always right.

/** Index just past the string starting at `i` (a quote), or -1. */
function stringEnd(text: string, i: number): number {
  let j = i + 1;
  for (;;) {
    const q = text.indexOf('"', j);
    if (q < 0) return -1;
    let backslashes = 0;
    for (let k = q - 1; text.charCodeAt(k) === 92; k--) backslashes++;
    if (backslashes % 2 === 0) return q + 1;
    j = q + 1;
  }
}

/** Index just past the object or array starting at `i`, or -1. */
function containerEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 34) {
      j = stringEnd(text, j) - 1;
      if (j < 0) return -1;
    } else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) {
      depth--;
      if (depth === 0) return j + 1;
    }
  }
  return -1;
}

/** Index just past a number, true, false or null starting at `i`. */
function scalarEnd(text: string, i: number): number {
  let j = i;
  while (j < text.length) {
    const c = text.charCodeAt(j);
    if (c === 44 || c === 125 || c === 93) break;
    j++;
  }
  return j;
}

const HEAD = new Set(["apiVersion", "kind", "metadata"]);

/** The head members when they precede every object or array member; undefined otherwise. */
function readHead(text: string): Record<string, unknown> | undefined {
  if (text.charCodeAt(0) !== 123) return undefined;
  const out: Record<string, unknown> = {};
  let found = 0;
  let i = 1;
  while (i < text.length && text.charCodeAt(i) === 34) {
    const keyEnd = stringEnd(text, i);
    if (keyEnd < 0 || text.charCodeAt(keyEnd) !== 58) return undefined;
    const key = JSON.parse(text.slice(i, keyEnd)) as string;
    const start = keyEnd + 1;
    const c = text.charCodeAt(start);
    const container = c === 123 || c === 91;
    // A large member before the head (a spec first): not worth scanning, parse it all.
    if (container && !HEAD.has(key)) return undefined;
    const end =
      c === 34 ? stringEnd(text, start) : container ? containerEnd(text, start) : scalarEnd(text, start);
    if (end < 0) return undefined;
    if (HEAD.has(key)) {
      out[key] = JSON.parse(text.slice(start, end));
      if (++found === HEAD.size) return out;
    }
    if (text.charCodeAt(end) !== 44) break;
    i = end + 1;
  }
  return found === HEAD.size ? out : undefined;
}

/** apiVersion, kind and metadata of a stored JSON object (everything, when that is simpler). */
export function parseHead<T>(text: string): T {
  return (readHead(text) ?? JSON.parse(text)) as T;
}
