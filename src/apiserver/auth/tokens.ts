// Bearer tokens: minted here, stored only as their SHA-256 under /mcp/tokens/<hash>, looked up on
// every authenticated request through a short in-memory cache, and revoked by deleting the record.
//
// The token itself never reaches the store, a log or the cache: a leaked database does not leak
// credentials. Lookups go by hash, so no secret is ever compared byte by byte; timing can reveal at
// most something about a SHA-256 value, which does not help forge a token.
import { createHash, randomBytes } from "node:crypto";
import type { Store } from "../../storage/store.ts";
import { objectKey } from "../keys.ts";
import type { UserInfo } from "./types.ts";

export const TOKEN_PREFIX = "mcp_";
export const TOKENS_KEY_PREFIX = "/mcp/tokens/";
/**
 * How long a looked-up record is trusted without re-reading the store. Revocation through this
 * process is immediate; revocation by another hub replica takes effect within this window.
 */
export const TOKEN_CACHE_MS = 5_000;
const CACHE_MAX_ENTRIES = 10_000;
/** 32 random bytes are 43 base64url characters; the cap keeps garbage headers from being hashed. */
const TOKEN_SHAPE = /^mcp_[A-Za-z0-9_-]{43,128}$/;

/** The object a token lives and dies with (e.g. a Cluster for an agent credential). */
export interface BoundObject {
  group: string;
  resource: string;
  namespace?: string;
  name: string;
  /** When set, a re-created object of the same name does not revive the token. */
  uid?: string;
}

export interface TokenRecord {
  user: UserInfo;
  createdAt: string;
  expiresAt?: string;
  purpose?: string;
  boundObject?: BoundObject;
}

export interface CreateTokenOptions {
  user: UserInfo;
  /** Lifetime; no value means the token lives until revoked. */
  ttlSeconds?: number;
  purpose?: string;
  boundObject?: BoundObject;
  /** Milliseconds since the epoch (tests). Default: now. */
  now?: number;
}

interface CacheEntry {
  record: TokenRecord;
  userName: string;
  until: number;
}

// One cache per Store, so two stores in one process (tests, several hubs) never share entries.
const caches = new WeakMap<Store, Map<string, CacheEntry>>();

function cacheOf(store: Store): Map<string, CacheEntry> {
  let cache = caches.get(store);
  if (!cache) {
    cache = new Map();
    caches.set(store, cache);
  }
  return cache;
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

const keyOf = (hash: string) => `${TOKENS_KEY_PREFIX}${hash}`;

/** Mints a token and stores its hash. The returned token is the only copy: show it once. */
export async function createToken(
  store: Store,
  opts: CreateTokenOptions,
): Promise<{ token: string; expiresAt?: string }> {
  if (!opts.user.name) throw new Error("a token needs a user name");
  if (opts.ttlSeconds !== undefined && !(opts.ttlSeconds > 0)) {
    throw new Error(`ttlSeconds must be positive, got ${opts.ttlSeconds}`);
  }
  const now = opts.now ?? Date.now();
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const expiresAt =
    opts.ttlSeconds === undefined ? undefined : new Date(now + opts.ttlSeconds * 1000).toISOString();
  const record: TokenRecord = {
    user: opts.user,
    createdAt: new Date(now).toISOString(),
    ...(expiresAt ? { expiresAt } : {}),
    ...(opts.purpose ? { purpose: opts.purpose } : {}),
    ...(opts.boundObject ? { boundObject: opts.boundObject } : {}),
  };
  // Compare on "absent" so a (practically impossible) collision can never overwrite a record.
  const key = keyOf(hashToken(token));
  await store.txn([{ key, modRevision: 0 }], [{ type: "put", key, value: JSON.stringify(record) }]);
  return { token, ...(expiresAt ? { expiresAt } : {}) };
}

/** The record behind a token; undefined when it is malformed, unknown, revoked, expired or its bound object is gone. */
export async function lookupToken(
  store: Store,
  token: string,
  now: number = Date.now(),
): Promise<TokenRecord | undefined> {
  if (!TOKEN_SHAPE.test(token)) return undefined;
  const hash = hashToken(token);
  const cache = cacheOf(store);
  const cached = cache.get(hash);
  let record: TokenRecord | undefined;
  if (cached && cached.until > now) {
    record = cached.record;
  } else {
    cache.delete(hash);
    record = await readRecord(store, hash);
    // Unknown tokens are not cached: a token minted on another replica must work at once, and
    // guessed tokens must not be able to fill the cache.
    if (record && (await boundObjectExists(store, record))) remember(cache, hash, record, now);
    else record = undefined;
  }
  if (!record) return undefined;
  if (record.expiresAt && Date.parse(record.expiresAt) <= now) return undefined;
  return record;
}

/** Deletes one token. Returns whether it existed. */
export async function revokeToken(store: Store, token: string): Promise<boolean> {
  const hash = hashToken(token);
  cacheOf(store).delete(hash);
  const res = await store.txn([], [{ type: "delete", key: keyOf(hash) }]);
  return res.results[0] !== undefined;
}

/** Deletes every token of a user. Returns how many there were. */
export async function revokeTokensFor(store: Store, userName: string): Promise<number> {
  const cache = cacheOf(store);
  for (const [hash, entry] of cache) if (entry.userName === userName) cache.delete(hash);
  return deleteWhere(store, (record) => record.user.name === userName);
}

/** Deletes records that expired (for a periodic clean-up). Returns how many. */
export async function pruneExpiredTokens(store: Store, now: number = Date.now()): Promise<number> {
  return deleteWhere(store, (record) => !!record.expiresAt && Date.parse(record.expiresAt) <= now);
}

async function deleteWhere(store: Store, match: (record: TokenRecord) => boolean): Promise<number> {
  const { items } = await store.range(TOKENS_KEY_PREFIX);
  const doomed = items.filter((kv) => {
    const record = parseRecord(kv.value);
    return record !== undefined && match(record);
  });
  if (doomed.length === 0) return 0;
  const cache = cacheOf(store);
  for (const kv of doomed) cache.delete(kv.key.slice(TOKENS_KEY_PREFIX.length));
  const res = await store.txn(
    [],
    doomed.map((kv) => ({ type: "delete" as const, key: kv.key })),
  );
  return res.results.filter((r) => r !== undefined).length;
}

async function readRecord(store: Store, hash: string): Promise<TokenRecord | undefined> {
  const kv = await store.get(keyOf(hash));
  return kv ? parseRecord(kv.value) : undefined;
}

function parseRecord(text: string): TokenRecord | undefined {
  try {
    const record = JSON.parse(text) as TokenRecord;
    return typeof record?.user?.name === "string" && Array.isArray(record.user.groups) ? record : undefined;
  } catch {
    return undefined;
  }
}

async function boundObjectExists(store: Store, record: TokenRecord): Promise<boolean> {
  const bound = record.boundObject;
  if (!bound) return true;
  const kv = await store.get(objectKey(bound, bound.namespace, bound.name));
  if (!kv) return false;
  if (!bound.uid) return true;
  try {
    return (JSON.parse(kv.value) as { metadata?: { uid?: string } }).metadata?.uid === bound.uid;
  } catch {
    return false;
  }
}

function remember(cache: Map<string, CacheEntry>, hash: string, record: TokenRecord, now: number): void {
  if (cache.size >= CACHE_MAX_ENTRIES) {
    // Maps iterate in insertion order: drop the oldest entry.
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(hash, { record, userName: record.user.name, until: now + TOKEN_CACHE_MS });
}
