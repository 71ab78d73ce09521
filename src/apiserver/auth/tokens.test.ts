import assert from "node:assert/strict";
import { test } from "node:test";
import { FakeStore } from "./fake-store.ts";
import {
  createToken,
  hashToken,
  lookupToken,
  pruneExpiredTokens,
  revokeToken,
  revokeTokensFor,
  TOKEN_CACHE_MS,
  TOKENS_KEY_PREFIX,
} from "./tokens.ts";

const bob = { name: "bob", groups: ["dev"] };

test("a created token looks up to its user, and only its hash is stored", async () => {
  const store = new FakeStore();
  const { token, expiresAt } = await createToken(store, { user: bob, purpose: "cli" });
  assert.match(token, /^mcp_[A-Za-z0-9_-]{43}$/);
  assert.equal(expiresAt, undefined);

  const { items } = await store.range(TOKENS_KEY_PREFIX);
  assert.equal(items.length, 1);
  assert.equal(items[0].key, `${TOKENS_KEY_PREFIX}${hashToken(token)}`);
  assert.ok(!items[0].value.includes(token.slice(4)), "the token itself is not stored");
  const stored = JSON.parse(items[0].value);
  assert.deepEqual(stored.user, bob);
  assert.equal(stored.purpose, "cli");
  assert.ok(Date.parse(stored.createdAt) > 0);

  const record = await lookupToken(store, token);
  assert.deepEqual(record?.user, bob);
  const second = await createToken(store, { user: bob });
  assert.notEqual(second.token, token);
});

test("malformed and unknown tokens look up to nothing", async () => {
  const store = new FakeStore();
  const { token } = await createToken(store, { user: bob });
  for (const bad of [
    "",
    "mcp_",
    "abc",
    `${token}x`,
    token.replace("mcp_", "xyz_"),
    `mcp_${"A".repeat(43)}`,
  ]) {
    assert.equal(await lookupToken(store, bad), undefined, bad);
  }
});

test("an expired token looks up to nothing", async () => {
  const store = new FakeStore();
  const now = Date.now();
  const { token, expiresAt } = await createToken(store, { user: bob, ttlSeconds: 60, now });
  assert.equal(expiresAt, new Date(now + 60_000).toISOString());
  assert.ok(await lookupToken(store, token, now + 59_000));
  assert.equal(await lookupToken(store, token, now + 60_000), undefined);
  await assert.rejects(createToken(store, { user: bob, ttlSeconds: 0 }), /positive/);
});

test("lookups are cached briefly, and revocation elsewhere takes effect within the cache window", async () => {
  const store = new FakeStore();
  const now = Date.now();
  const { token } = await createToken(store, { user: bob });
  assert.ok(await lookupToken(store, token, now));
  const reads = store.reads;
  assert.ok(await lookupToken(store, token, now + 1000));
  assert.equal(store.reads, reads, "served from the cache");

  // Another hub replica deletes the record straight from the shared store.
  await store.del(`${TOKENS_KEY_PREFIX}${hashToken(token)}`);
  assert.equal(await lookupToken(store, token, now + TOKEN_CACHE_MS + 1), undefined);
});

test("revokeToken takes effect at once in this process", async () => {
  const store = new FakeStore();
  const { token } = await createToken(store, { user: bob });
  assert.ok(await lookupToken(store, token));
  assert.equal(await revokeToken(store, token), true);
  assert.equal(await lookupToken(store, token), undefined);
  assert.equal(await revokeToken(store, token), false);
});

test("revokeTokensFor removes every token of one user and no other", async () => {
  const store = new FakeStore();
  const a = await createToken(store, { user: bob });
  const b = await createToken(store, { user: bob, ttlSeconds: 3600 });
  const c = await createToken(store, { user: { name: "carol", groups: [] } });
  assert.ok(await lookupToken(store, a.token));
  assert.equal(await revokeTokensFor(store, "bob"), 2);
  assert.equal(await lookupToken(store, a.token), undefined);
  assert.equal(await lookupToken(store, b.token), undefined);
  assert.ok(await lookupToken(store, c.token));
});

test("a token bound to an object dies with the object", async () => {
  const store = new FakeStore();
  const clusterKey = "/registry/mcp.platform/clusters/east";
  await store.put(clusterKey, { metadata: { name: "east", uid: "u1" } });
  const bound = { group: "mcp.platform", resource: "clusters", name: "east", uid: "u1" };
  const { token } = await createToken(store, { user: bob, boundObject: bound });
  const now = Date.now();
  assert.ok(await lookupToken(store, token, now));

  await store.del(clusterKey);
  await store.put(clusterKey, { metadata: { name: "east", uid: "u2" } });
  assert.equal(await lookupToken(store, token, now + TOKEN_CACHE_MS + 1), undefined, "re-created object");
});

test("pruneExpiredTokens deletes only expired records", async () => {
  const store = new FakeStore();
  const now = Date.now();
  await createToken(store, { user: bob, ttlSeconds: 1, now });
  const keep = await createToken(store, { user: bob, ttlSeconds: 3600, now });
  assert.equal(await pruneExpiredTokens(store, now + 2000), 1);
  assert.equal((await store.range(TOKENS_KEY_PREFIX)).count, 1);
  assert.ok(await lookupToken(store, keep.token, now + 2000));
});
