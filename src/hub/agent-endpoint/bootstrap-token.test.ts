// The BootstrapToken kind through the hub's REST API: create-only, ttl bounded, single use.
import assert from "node:assert/strict";
import { test } from "node:test";
import { startTestHub } from "../../agent/testing.ts";
import { lookupToken } from "../../apiserver/auth/tokens.ts";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { consumeBootstrapToken, issueBootstrapToken, peekBootstrapToken } from "./bootstrap-token.ts";

const PATH = "/apis/mcp.platform/v1/bootstraptokens";
const body = (spec: Record<string, unknown> = {}, name?: string) => ({
  apiVersion: "mcp.platform/v1",
  kind: "BootstrapToken",
  ...(name ? { metadata: { name } } : {}),
  spec,
});

interface Issued {
  metadata: { name: string };
  spec: { ttl: string };
  status: { token?: string; expirationTimestamp?: string };
}

test("POST issues a token expiring after its ttl (default 1h); nothing else is allowed", async (t) => {
  const h = await startTestHub(t);
  const res = await h.api<Issued>("POST", PATH, body());
  assert.equal(res.status, 201);
  assert.match(res.body.status.token ?? "", /^mcp_/);
  assert.equal(res.body.spec.ttl, "1h");
  const lifetime = Date.parse(res.body.status.expirationTimestamp!) - Date.now();
  assert.ok(lifetime > 3_500_000 && lifetime <= 3_600_000, `expires in ${lifetime} ms`);
  const record = await lookupToken(h.hub.store, res.body.status.token!);
  assert.equal(record?.purpose, "bootstrap");
  assert.equal(record?.user.name, `system:bootstrap:${res.body.metadata.name}`);

  const named = await h.api<Issued>(
    "POST",
    PATH,
    body({ ttl: "10m", description: "for eu-west" }, "eu-west"),
  );
  assert.equal(named.status, 201);
  assert.equal(named.body.metadata.name, "eu-west");

  for (const [method, path] of [
    ["GET", PATH],
    ["GET", `${PATH}/eu-west`],
    ["DELETE", `${PATH}/eu-west`],
  ]) {
    const r = await h.api<{ reason: string }>(method, path);
    assert.equal(r.status, 405, `${method} ${path}`);
    assert.equal(r.body.reason, "MethodNotAllowed");
  }
  assert.ok(!h.logs().includes(res.body.status.token!), "the token is not logged");
});

test("a ttl over 24h, zero or unparsable is Invalid and issues nothing", async (t) => {
  const h = await startTestHub(t);
  for (const ttl of ["25h", "0s", "soon", 5]) {
    const r = await h.api<{ reason: string; details: { causes: { field: string }[] } }>(
      "POST",
      PATH,
      body({ ttl }),
    );
    assert.equal(r.status, 422, String(ttl));
    assert.equal(r.body.reason, "Invalid");
    assert.equal(r.body.details.causes[0].field, "spec.ttl");
  }
  const dry = await h.api<Issued>("POST", `${PATH}?dryRun=All`, body());
  assert.equal(dry.status, 201);
  assert.equal(dry.body.status.token, undefined, "a dry run mints no token");
});

test("consuming is compare-and-swap: of concurrent uses exactly one succeeds", async () => {
  const store = openMemoryStore();
  const { token } = await issueBootstrapToken(store);
  const peeked = await Promise.all([1, 2, 3].map(() => peekBootstrapToken(store, token)));
  const wins = await Promise.all(peeked.map((p) => consumeBootstrapToken(store, token, p!.modRevision)));
  assert.deepEqual(wins.filter(Boolean).length, 1);
  assert.equal(await peekBootstrapToken(store, token), undefined);
  // Past the token cache's lifetime, so the store decides.
  assert.equal(await lookupToken(store, token, Date.now() + 10_000), undefined);
  await store.close();
});

test("an expired token cannot be peeked (used)", async () => {
  const store = openMemoryStore();
  const { token } = await issueBootstrapToken(store, { ttlMs: 1000 });
  assert.ok(await peekBootstrapToken(store, token));
  assert.equal(await peekBootstrapToken(store, token, Date.now() + 1001), undefined);
  await store.close();
});
