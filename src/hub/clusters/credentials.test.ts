import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { openMemoryStore } from "../../storage/memory/memory-store.ts";
import { CredentialError, CredentialStore, credentialKey, loadEncryptionKey } from "./credentials.ts";

const token = "sha256~VeryS3cretMemberT0ken-abcdefghijklmnop";
const keyPem =
  "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n";
const certPem = "-----BEGIN CERTIFICATE-----\nMIIBszCCAVmgAwIBAgIU\n-----END CERTIFICATE-----\n";
const b64 = (s: string) => Buffer.from(s).toString("base64");

async function tempDir(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "mcp-cred-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

test("the key file is created 0600 on first start and reused after", async (t) => {
  const dir = await tempDir(t);
  const k1 = await loadEncryptionKey(dir);
  assert.equal(k1.length, 32);
  assert.equal((await stat(join(dir, "encryption.key"))).mode & 0o777, 0o600);
  const k2 = await loadEncryptionKey(dir);
  assert.deepEqual(k2, k1);
  // Concurrent first starts agree on one key.
  const other = await tempDir(t);
  const keys = await Promise.all([
    loadEncryptionKey(other),
    loadEncryptionKey(other),
    loadEncryptionKey(other),
  ]);
  assert.ok(keys.every((k) => k.equals(keys[0])));
  await writeFile(join(other, "encryption.key"), "c2hvcnQ=\n");
  await assert.rejects(loadEncryptionKey(other), /must hold 32 base64-encoded bytes/);
});

test("round-trips token and certificate credentials; the stored bytes carry no plaintext", async (t) => {
  const dir = await tempDir(t);
  const store = openMemoryStore();
  const creds = new CredentialStore(store, await loadEncryptionKey(dir));
  await creds.put("c1", "uid-1", { token });
  await creds.put("c2", "uid-2", { clientCertificateData: b64(certPem), clientKeyData: b64(keyPem) });
  assert.deepEqual(await creds.get("c1"), { credential: { token }, clusterUid: "uid-1" });
  assert.deepEqual((await creds.get("c2"))?.credential, {
    clientCertificateData: b64(certPem),
    clientKeyData: b64(keyPem),
  });
  assert.equal(await creds.get("absent"), undefined);

  const { items } = await store.range("/");
  const raw = items.map((kv) => kv.value).join("\n");
  for (const secret of [
    token,
    "VeryS3cret",
    keyPem.slice(28, 60),
    b64(keyPem).slice(0, 40),
    b64(certPem).slice(0, 40),
  ])
    assert.ok(!raw.includes(secret), `stored bytes contain ${secret}`);
  // Two seals of the same credential differ (fresh IV each time).
  await creds.put("c1", "uid-1", { token });
  assert.notEqual(
    (await store.get(credentialKey("c1")))!.value,
    items.find((kv) => kv.key === credentialKey("c1"))!.value,
  );
  assert.deepEqual(await creds.list(), [
    { cluster: "c1", clusterUid: "uid-1" },
    { cluster: "c2", clusterUid: "uid-2" },
  ]);
});

test("a record does not decrypt under another key, cluster or uid", async (t) => {
  const store = openMemoryStore();
  const creds = new CredentialStore(store, await loadEncryptionKey(await tempDir(t)));
  await creds.put("c1", "uid-1", { token });
  const other = new CredentialStore(store, await loadEncryptionKey(await tempDir(t)));
  await assert.rejects(
    other.get("c1"),
    (e: unknown) => e instanceof CredentialError && /another key/.test(e.message),
  );

  const value = (await store.get(credentialKey("c1")))!.value;
  await store.txn([], [{ type: "put", key: credentialKey("c9"), value }]);
  await assert.rejects(creds.get("c9"), /does not decrypt/);
  const env = JSON.parse(value);
  await store.txn(
    [],
    [{ type: "put", key: credentialKey("c1"), value: JSON.stringify({ ...env, clusterUid: "uid-x" }) }],
  );
  await assert.rejects(creds.get("c1"), /does not decrypt/);
});

test("delete with a uid removes only that incarnation's credential", async (t) => {
  const store = openMemoryStore();
  const creds = new CredentialStore(store, await loadEncryptionKey(await tempDir(t)));
  await creds.put("c1", "new-uid", { token });
  assert.equal(await creds.delete("c1", "old-uid"), false);
  assert.ok(await creds.get("c1"));
  assert.equal(await creds.delete("c1", "new-uid"), true);
  assert.equal(await creds.get("c1"), undefined);
  assert.equal(await creds.delete("c1"), false);
});
