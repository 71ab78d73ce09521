import assert from "node:assert/strict";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, unlink } from "node:fs/promises";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { TLSSocket } from "node:tls";
import { type CertKeyPair, ensurePki, issueClientCert } from "./pki.ts";

const DAY_MS = 86_400_000;

async function tempDir(t: { after: (fn: () => Promise<void>) => void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-pki-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("first start creates a CA and a serving certificate with private keys at 0600", async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(dir, { hosts: ["hub.example.com", "10.1.2.3"] });
  assert.deepEqual(pki.generated, { ca: true, serving: true });

  for (const f of ["ca.key", "serving.key"]) {
    assert.equal((await stat(join(dir, f))).mode & 0o777, 0o600, f);
  }
  const ca = new X509Certificate(await readFile(join(dir, "ca.crt"), "utf8"));
  assert.equal(ca.subject, "CN=mcp-ca");
  assert.equal(ca.ca, true);
  const caYears = (ca.validToDate.getTime() - Date.now()) / (365 * DAY_MS);
  assert.ok(caYears > 9.9 && caYears < 10.1, `CA valid for ${caYears} years`);
  assert.equal(ca.publicKey.asymmetricKeyDetails?.namedCurve, "prime256v1");

  const serving = new X509Certificate(await readFile(join(dir, "serving.crt"), "utf8"));
  assert.ok(serving.checkIssued(ca) && serving.verify(ca.publicKey));
  assert.equal(serving.ca, false);
  assert.deepEqual(serving.keyUsage, ["1.3.6.1.5.5.7.3.1"]);
  for (const name of ["DNS:localhost", "IP Address:127.0.0.1", `DNS:${hostname().toLowerCase()}`]) {
    assert.ok(serving.subjectAltName?.includes(name), `${name} in ${serving.subjectAltName}`);
  }
  assert.ok(serving.checkHost("hub.example.com"));
  assert.ok(serving.checkIP("10.1.2.3"));
  assert.ok(serving.checkIP("::1"));
  const servingDays = (serving.validToDate.getTime() - Date.now()) / DAY_MS;
  assert.ok(servingDays > 364 && servingDays < 366);
});

test("later starts load the same files, and re-issue only the serving cert when hosts change or it nears expiry", async (t) => {
  const dir = await tempDir(t);
  const first = await ensurePki(dir, { hosts: ["a.example.com"] });

  const again = await ensurePki(dir, { hosts: ["a.example.com"] });
  assert.deepEqual(again.generated, { ca: false, serving: false });
  assert.equal(again.ca.certPem, first.ca.certPem);
  assert.equal(again.serving.certPem, first.serving.certPem);

  const moved = await ensurePki(dir, { hosts: ["b.example.com"] });
  assert.deepEqual(moved.generated, { ca: false, serving: true });
  assert.equal(moved.ca.certPem, first.ca.certPem);
  assert.ok(new X509Certificate(moved.serving.certPem).checkHost("b.example.com"));
  assert.equal(new X509Certificate(moved.serving.certPem).checkHost("a.example.com"), undefined);
  assert.equal(await readFile(join(dir, "serving.crt"), "utf8"), moved.serving.certPem);

  const in340Days = new Date(Date.now() + 340 * DAY_MS);
  const renewed = await ensurePki(dir, { hosts: ["b.example.com"], now: in340Days });
  assert.deepEqual(renewed.generated, { ca: false, serving: true });
  assert.ok(
    new X509Certificate(renewed.serving.certPem).validToDate.getTime() > in340Days.getTime() + 300 * DAY_MS,
  );
});

test("a CA certificate without its key is an error, not a silent new CA", async (t) => {
  const dir = await tempDir(t);
  await ensurePki(dir);
  await unlink(join(dir, "ca.key"));
  await assert.rejects(ensurePki(dir), /ca\.key is missing/);
});

test("a client certificate carries the user as CN and groups as O, and verifies over mutual TLS", async (t) => {
  const dir = await tempDir(t);
  const pki = await ensurePki(dir);
  const server = https.createServer(
    {
      cert: pki.serving.certPem,
      key: pki.serving.keyPem,
      ca: pki.ca.certPem,
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      res.end(JSON.stringify({ authorized: socket.authorized, cn: peer.subject?.CN, o: peer.subject?.O }));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as AddressInfo).port;

  const alice = await issueClientCert(pki.ca, {
    commonName: "alice",
    organizations: ["system:masters", "team-a"],
    days: 30,
  });
  const leaf = new X509Certificate(alice.certPem);
  assert.deepEqual(leaf.keyUsage, ["1.3.6.1.5.5.7.3.2"]);
  assert.ok((leaf.validToDate.getTime() - Date.now()) / DAY_MS < 31);

  // The client checks the server against our CA and the SAN for 127.0.0.1 and localhost.
  for (const host of ["127.0.0.1", "localhost"]) {
    const seen = await get({ host, port, ca: pki.ca.certPem, cert: alice.certPem, key: alice.keyPem });
    assert.deepEqual(seen, { authorized: true, cn: "alice", o: ["system:masters", "team-a"] });
  }

  const otherDir = await tempDir(t);
  const other = await ensurePki(otherDir);
  const mallory = await issueClientCert(other.ca, {
    commonName: "mallory",
    organizations: ["system:masters"],
  });
  const forged = await get({ host: "localhost", port, ca: pki.ca.certPem, ...pairOpts(mallory) });
  assert.equal(forged.authorized, false);

  // And a client trusting only the other CA refuses our server.
  await assert.rejects(
    get({ host: "localhost", port, ca: other.ca.certPem }),
    /self[- ]signed|unable to verify/i,
  );
});

const pairOpts = (p: CertKeyPair) => ({ cert: p.certPem, key: p.keyPem });

interface GetOptions {
  host: string;
  port: number;
  ca: string;
  cert?: string;
  key?: string;
}

function get(opts: GetOptions): Promise<{ authorized: boolean; cn?: string; o?: string | string[] }> {
  return new Promise((resolve, reject) => {
    const req = https.get({ ...opts, path: "/", agent: false }, (res) => {
      let body = "";
      res.on("data", (c) => {
        body += c;
      });
      res.on("end", () => resolve(JSON.parse(body)));
    });
    req.on("error", reject);
  });
}
