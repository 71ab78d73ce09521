// Turns SQLite rows into the Store's frozen KeyValue and StoreEvent objects, and reads one page
// of watch history (see schema.ts for the tables, watch-hub.ts for how pages are consumed).
import type { StatementSync } from "node:sqlite";
import { prefixEnd } from "../engine-util.ts";
import type { KeyValue, StoreEvent } from "../store.ts";
import type { HistoryPage } from "../watch-hub.ts";
import { historyAfter, historyRest } from "./schema.ts";

export interface KvRow {
  value: string;
  create_rev: number;
  mod_rev: number;
  version: number;
}

export function toKv(key: string, row: KvRow): KeyValue {
  return Object.freeze({
    key,
    value: row.value,
    createRevision: row.create_rev,
    modRevision: row.mod_rev,
    version: row.version,
  });
}

interface HistoryRow {
  rev: number;
  idx: number;
  key: string;
  deleted: number;
  value: string | null;
  create_rev: number;
  version: number;
  prev_rev: number;
  p_value: string | null;
  p_create_rev: number | null;
  p_version: number | null;
}

function toEvent(r: HistoryRow): StoreEvent {
  const prevKv =
    r.prev_rev > 0 && r.p_value !== null
      ? toKv(r.key, {
          value: r.p_value,
          create_rev: r.p_create_rev!,
          mod_rev: r.prev_rev,
          version: r.p_version!,
        })
      : undefined;
  const kv = r.deleted
    ? Object.freeze({ key: r.key, value: "", createRevision: 0, modRevision: r.rev, version: 0 })
    : toKv(r.key, { value: r.value!, create_rev: r.create_rev, mod_rev: r.rev, version: r.version });
  const type = r.deleted ? "delete" : "put";
  return Object.freeze(prevKv ? { type, kv, prevKv, revision: r.rev } : { type, kv, revision: r.rev });
}

export interface HistoryQuery {
  prefix: string;
  after: number;
  limit: number;
  /** The committed revision: a page that is not cut short is complete up to it. */
  head: number;
}

/** About `limit` events after `after`, extended to the end of the last revision read. */
export function historyPage(stmt: (sql: string) => StatementSync, qy: HistoryQuery): HistoryPage {
  const end = prefixEnd(qy.prefix);
  const bounded = end !== undefined;
  const params: Record<string, string | number> = { rev: qy.after, from: qy.prefix, limit: qy.limit };
  if (bounded) params.end = end;
  const rows = stmt(historyAfter(bounded)).all(params) as unknown as HistoryRow[];
  if (rows.length < qy.limit) return { events: rows.map(toEvent), through: qy.head };
  const last = rows[rows.length - 1];
  const restParams: Record<string, string | number> = { rev: last.rev, idx: last.idx, from: qy.prefix };
  if (bounded) restParams.end = end;
  const rest = stmt(historyRest(bounded)).all(restParams) as unknown as HistoryRow[];
  return { events: [...rows, ...rest].map(toEvent), through: last.rev };
}
