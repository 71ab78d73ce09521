// Rules every engine applies the same way: which revisions may be read, what a txn may contain,
// and where a prefix ends in byte order. Kept here so the engines cannot drift apart.
import { type Op, StoreError } from "./store.ts";

/**
 * The revision a read is served at: `requested` (0/undefined means `current`). Like etcd, an
 * explicit revision must be above the compacted one and not in the future.
 */
export function readRevision(requested: number | undefined, current: number, compacted: number): number {
  if (!requested) return current;
  if (requested > current) {
    throw new StoreError("FutureRevision", `revision ${requested} is newer than current ${current}`, {
      revision: current,
    });
  }
  if (requested <= compacted) {
    throw new StoreError("Compacted", `revision ${requested} has been compacted (at ${compacted})`, {
      revision: compacted,
    });
  }
  return requested;
}

/** Watching after `afterRevision` needs every event above it, so it must not be below compaction. */
export function checkWatchStart(afterRevision: number, compacted: number): void {
  if (afterRevision < compacted) {
    throw new StoreError("Compacted", `watch from revision ${afterRevision + 1} needs compacted history`, {
      revision: compacted,
    });
  }
}

/** Rejects what etcd rejects too: empty keys and a key written twice in one txn. */
export function checkOps(ops: readonly Op[]): void {
  if (ops.length < 2) {
    if (ops.length === 1 && ops[0].key === "") throw new TypeError("txn op with an empty key");
    return;
  }
  const seen = new Set<string>();
  for (const op of ops) {
    if (op.key === "") throw new TypeError("txn op with an empty key");
    if (seen.has(op.key)) throw new TypeError(`txn writes key ${JSON.stringify(op.key)} more than once`);
    seen.add(op.key);
  }
}

export function closedError(): StoreError {
  return new StoreError("Closed", "store is closed");
}

/**
 * The smallest string above every string that starts with `prefix`, in Unicode code point order
 * (which is UTF-8 byte order, SQLite's BINARY collation). undefined when there is none.
 */
export function prefixEnd(prefix: string): string | undefined {
  const cps = [...prefix];
  while (cps.length > 0) {
    const cp = cps.pop()!.codePointAt(0)!;
    // Surrogate code units are not code points: after U+D7FF comes U+E000.
    const next = cp === 0xd7ff ? 0xe000 : cp + 1;
    if (next <= 0x10ffff) return cps.join("") + String.fromCodePoint(next);
  }
  return undefined;
}

/**
 * Whether a compaction to `revision` has anything to do: a future revision is an error, one at or
 * below what is already compacted is a no-op.
 */
export function compactionNeeded(revision: number, current: number, compacted: number): boolean {
  if (revision > current)
    throw new StoreError("FutureRevision", `cannot compact at ${revision}, current is ${current}`, {
      revision: current,
    });
  return revision > compacted;
}
