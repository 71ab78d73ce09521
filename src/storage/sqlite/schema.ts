// The SQLite engine's schema and SQL text. MVCC in two tables:
// - kv_log: one row per event (rev, idx = op order within the txn), never updated; deletes are
//   tombstone rows. Its primary key is the event order, so watch replay is a forward scan, and
//   the unique (key, rev) index answers "the value of key K at revision R". prev_rev (the key's
//   modRevision before the event, 0 for a create) lets replay join the prevKv row directly.
// - kv: the current value of every live key, so current gets and prefix ranges read one B-tree
//   in key order without touching history. It duplicates the latest log row of each key; both
//   are written in the same transaction.
// - meta: the current and compacted revisions, so a reopened store resumes them even when
//   compaction removed the newest log rows (trailing tombstones).
// Compaction deletes log rows at or below the revision except each key's latest put, so reads
// above the compacted revision and the prevKv of later events still resolve.
// TEXT compares with BINARY collation, i.e. UTF-8 byte order, which is what ranges promise.

export const SCHEMA_VERSION = 1;

export const DDL = `
CREATE TABLE IF NOT EXISTS kv (
  key TEXT NOT NULL PRIMARY KEY,
  value TEXT NOT NULL,
  create_rev INTEGER NOT NULL,
  mod_rev INTEGER NOT NULL,
  version INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS kv_log (
  rev INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  key TEXT NOT NULL,
  deleted INTEGER NOT NULL,
  value TEXT,
  create_rev INTEGER NOT NULL,
  version INTEGER NOT NULL,
  prev_rev INTEGER NOT NULL,
  PRIMARY KEY (rev, idx)
) WITHOUT ROWID;
CREATE UNIQUE INDEX IF NOT EXISTS kv_log_key_rev ON kv_log (key, rev);
CREATE TABLE IF NOT EXISTS meta (
  name TEXT NOT NULL PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT OR IGNORE INTO meta (name, value) VALUES ('schema', ${SCHEMA_VERSION}), ('revision', 0), ('compacted', 0);
`;

/** Statements that do not depend on whether a prefix has an upper bound. */
export const SQL = {
  getMeta: "SELECT value FROM meta WHERE name = ?",
  setMeta: "UPDATE meta SET value = ? WHERE name = ?",
  getCurrent: "SELECT value, create_rev, mod_rev, version FROM kv WHERE key = ?",
  getModRev: "SELECT mod_rev FROM kv WHERE key = ?",
  getAt:
    "SELECT deleted, value, create_rev, rev, version FROM kv_log WHERE key = ? AND rev <= ? ORDER BY rev DESC LIMIT 1",
  upsert:
    "INSERT INTO kv (key, value, create_rev, mod_rev, version) VALUES (?, ?, ?, ?, ?) " +
    "ON CONFLICT (key) DO UPDATE SET value = excluded.value, mod_rev = excluded.mod_rev, version = excluded.version",
  remove: "DELETE FROM kv WHERE key = ?",
  log: "INSERT INTO kv_log (rev, idx, key, deleted, value, create_rev, version, prev_rev) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  compact:
    "DELETE FROM kv_log WHERE rev <= :rev AND (deleted = 1 OR EXISTS " +
    "(SELECT 1 FROM kv_log AS n WHERE n.key = kv_log.key AND n.rev > kv_log.rev AND n.rev <= :rev))",
} as const;

// Range and history statements use named parameters (:from, :end, :rev, :limit, ...); `:end` is
// present only when the prefix has an upper bound, hence the `bounded` variants.
const upper = (col: string, bounded: boolean) => (bounded ? ` AND ${col} < :end` : "");

/** Current keys in [:from, :end), key order; :limit -1 means none. */
export const rangeCurrent = (bounded: boolean) =>
  `SELECT key, value, create_rev, mod_rev, version FROM kv WHERE key >= :from${upper("key", bounded)} ORDER BY key LIMIT :limit`;

export const countCurrent = (bounded: boolean) =>
  `SELECT count(*) AS n FROM kv WHERE key >= :from${upper("key", bounded)}`;

// A key's state at revision :rev is its newest log row at or below it, if that row is a put.
const liveAt = (bounded: boolean) =>
  `FROM kv_log AS l WHERE l.key >= :from${upper("l.key", bounded)} AND l.rev <= :rev AND l.deleted = 0 ` +
  "AND NOT EXISTS (SELECT 1 FROM kv_log AS n WHERE n.key = l.key AND n.rev > l.rev AND n.rev <= :rev)";

export const rangeAt = (bounded: boolean) =>
  `SELECT l.key, l.value, l.create_rev, l.rev AS mod_rev, l.version ${liveAt(bounded)} ORDER BY l.key LIMIT :limit`;

export const countAt = (bounded: boolean) => `SELECT count(*) AS n ${liveAt(bounded)}`;

// `+l.key` keeps SQLite on the (rev, idx) primary key: a forward scan in event order costs what
// it returns, where the key index would sort the prefix's whole history for every page.
const historyCols =
  "SELECT l.rev, l.idx, l.key, l.deleted, l.value, l.create_rev, l.version, l.prev_rev, " +
  "p.value AS p_value, p.create_rev AS p_create_rev, p.version AS p_version " +
  "FROM kv_log AS l LEFT JOIN kv_log AS p ON p.key = l.key AND p.rev = l.prev_rev ";

/** Events after :rev under the prefix, in order, at most :limit. */
export const historyAfter = (bounded: boolean) =>
  `${historyCols}WHERE l.rev > :rev AND +l.key >= :from${upper("+l.key", bounded)} ORDER BY l.rev, l.idx LIMIT :limit`;

/** The events of revision :rev after op :idx under the prefix. */
export const historyRest = (bounded: boolean) =>
  `${historyCols}WHERE l.rev = :rev AND l.idx > :idx AND +l.key >= :from${upper("+l.key", bounded)} ORDER BY l.idx`;
