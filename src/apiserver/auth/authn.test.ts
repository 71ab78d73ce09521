import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TLSSocket } from "node:tls";
import { ApiError } from "../errors.ts";
import { createAuthenticator, verifiedPeerCertificate } from "./authn.ts";
import { FakeStore } from "./fake-store.ts";
import { ensurePki, issueClientCert, type Pki } from "./pki.ts";
import { createToken, revokeToken } from "./tokens.ts";
import type { Authenticator } from "./types.ts";

interface Seen {
  status: number;
  user?: { name: string; groups: string[] } | null;
  reason?: string;
}

/** A real mTLS server whose handler authenticates each request and echoes the result. */
async function startServer(t: { after: (fn: () => Promise<void>) => void }, pki: Pki, authn: Authenticator) {
  const server = https.createServer(
    {
      cert: pki.serving.certPem,
      key: pki.serving.keyPem,
      ca: pki.ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const peerCertificate = verifiedPeerCertificate(req.socket as TLSSocket);
      authn.authenticate({ headers: req.headers, peerCertificate }).then(
        (user) => res.end(JSON.stringify({ status: 200, user: user ?? null })),
        (err: ApiError) => {
          res.statusCode = err.code;
          res.end(JSON.stringify({ status: err.code, reason: err.reason }));
        },
      );
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;
  return (opts: { cert?: string; key?: string; authorization?: string } = {}) =>
    new Promise<Seen>((resolve, reject) => {
      const headers = opts.authorization ? { authorization: opts.authorization } : undefined;
      const req = https.get(
        {
          host: "localhost",
          port,
          ca: pki.ca.certPem,
          cert: opts.cert,
          key: opts.key,
          headers,
          agent: false,
        },
        (res) => {
          let body = "";
          res.on("data", (c) => {
            body += c;
          });
          res.on("end", () => resolve(JSON.parse(body)));
        },
      );
      req.on("error", reject);
    });
}

async function setup(t: { after: (fn: () => Promise<void>) => void }) {
  const dir = await mkdtemp(join(tmpdir(), "mcp-authn-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const pki = await ensurePki(join(dir, "hub"));
  const other = await ensurePki(join(dir, "other"));
  const store = new FakeStore();
  let clock = Date.now();
  const authn = createAuthenticator({ store, now: () => clock });
  const call = await startServer(t, pki, authn);
  return { pki, other, store, call, advance: (ms: number) => (clock += ms) };
}

test("a client certificate from our CA authenticates as CN with O groups", async (t) => {
  const { pki, call } = await setup(t);
  const cert = await issueClientCert(pki.ca, { commonName: "alice", organizations: ["ops", "dev"] });
  const seen = await call({ cert: cert.certPem, key: cert.keyPem });
  assert.deepEqual(seen.user, { name: "alice", groups: ["ops", "dev", "system:authenticated"] });

  const single = await issueClientCert(pki.ca, { commonName: "solo", organizations: ["ops"] });
  const one = await call({ cert: single.certPem, key: single.keyPem });
  assert.deepEqual(one.user, { name: "solo", groups: ["ops", "system:authenticated"] });
});

test("a client certificate from another CA is no credential at all", async (t) => {
  const { other, call } = await setup(t);
  const cert = await issueClientCert(other.ca, { commonName: "mallory", organizations: ["system:masters"] });
  assert.deepEqual(await call({ cert: cert.certPem, key: cert.keyPem }), { status: 200, user: null });
});

test("no credential authenticates as nobody", async (t) => {
  const { call } = await setup(t);
  assert.deepEqual(await call(), { status: 200, user: null });
  assert.deepEqual(await call({ authorization: "Basic Ym9iOnB3" }), { status: 200, user: null });
});

test("a bearer token authenticates as its user; bad, unknown, expired and revoked ones are Unauthorized", async (t) => {
  const { store, call, advance } = await setup(t);
  const user = { name: "bob", groups: ["dev"] };
  const { token } = await createToken(store, { user, ttlSeconds: 600 });
  const ok = await call({ authorization: `Bearer ${token}` });
  assert.deepEqual(ok.user, { name: "bob", groups: ["dev", "system:authenticated"] });
  assert.deepEqual((await call({ authorization: `bearer  ${token}` })).user?.name, "bob");

  const unauthorized = { status: 401, reason: "Unauthorized" };
  for (const authorization of ["Bearer", "Bearer ", "Bearer not-a-token", `Bearer ${token}x`, `Bearer a b`]) {
    assert.deepEqual(await call({ authorization }), unauthorized, authorization);
  }

  const short = await createToken(store, { user, ttlSeconds: 60 });
  advance(61_000);
  assert.deepEqual(await call({ authorization: `Bearer ${short.token}` }), unauthorized, "expired");

  await revokeToken(store, token);
  assert.deepEqual(await call({ authorization: `Bearer ${token}` }), unauthorized, "revoked");
});

test("a verified certificate wins over a bearer header", async (t) => {
  const { pki, call } = await setup(t);
  const cert = await issueClientCert(pki.ca, { commonName: "alice" });
  const seen = await call({ cert: cert.certPem, key: cert.keyPem, authorization: "Bearer junk" });
  assert.equal(seen.user?.name, "alice");
});

test("the authenticator throws ApiError Unauthorized (not a plain Error) for a bad bearer", async () => {
  const authn = createAuthenticator({ store: new FakeStore() });
  await assert.rejects(
    authn.authenticate({ headers: { authorization: "Bearer mcp_nope" } }),
    (err: unknown) => err instanceof ApiError && err.code === 401,
  );
});
