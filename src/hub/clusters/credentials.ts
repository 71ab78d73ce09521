// Member credentials for push mode (a bearer token or a client certificate and key), encrypted at
// rest with AES-256-GCM under a key kept in <data>/encryption.key (created 0600 on first start).
// They are stored under /mcp/credentials/<cluster>, outside every API-served prefix: no GET, list
// or watch can return them, and the Cluster object only names them (spec.credentialRef).
//
// The additional authenticated data binds each ciphertext to its cluster name and uid, so a
// record copied to another cluster's key does not decrypt. The cluster uid is also kept in the
// clear so the unjoin cleanup of a deleted cluster never removes the credential of a re-joined
// cluster of the same name. Plaintext credentials never reach the store, a log or an error.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { link, readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Op, Store } from "../../storage/store.ts";

export const CREDENTIALS_PREFIX = "/mcp/credentials/";
export const ENCRYPTION_KEY_FILE = "encryption.key";
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What the hub presents to a member's kube-apiserver: a token, or a client certificate (base64 PEM, as in a kubeconfig). */
export interface MemberCredential {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
}

interface Envelope {
  v: 1;
  alg: "AES-256-GCM";
  /** Which key sealed it (a hash prefix, not the key). */
  kid: string;
  /** The Cluster's uid when the credential was stored. */
  clusterUid: string;
  iv: string;
  /** Ciphertext followed by the GCM tag, base64. */
  data: string;
}

export class CredentialError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CredentialError";
  }
}

export const credentialKey = (cluster: string) => `${CREDENTIALS_PREFIX}${cluster}`;

/** Reads <dataDir>/encryption.key, creating it (0600, 32 random bytes) when absent. */
export async function loadEncryptionKey(dataDir: string): Promise<Buffer> {
  const path = join(dataDir, ENCRYPTION_KEY_FILE);
  let text = await readFile(path, "utf8").catch((e: NodeJS.ErrnoException) => {
    if (e.code === "ENOENT") return undefined;
    throw e;
  });
  if (text === undefined) {
    // Write a temp file, then link it into place: the key appears whole or not at all, and a
    // concurrent first start (another process on this directory) cannot overwrite it.
    const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
    await writeFile(tmp, `${randomBytes(KEY_BYTES).toString("base64")}\n`, { mode: 0o600, flag: "wx" });
    try {
      await link(tmp, path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    } finally {
      await rm(tmp, { force: true });
    }
    text = await readFile(path, "utf8");
  }
  const key = Buffer.from(text.trim(), "base64");
  if (key.length !== KEY_BYTES)
    throw new CredentialError(`${path} must hold ${KEY_BYTES} base64-encoded bytes (an AES-256 key)`);
  return key;
}

export class CredentialStore {
  private readonly store: Store;
  private readonly key: Buffer;
  private readonly kid: string;

  constructor(store: Store, key: Buffer) {
    if (key.length !== KEY_BYTES) throw new CredentialError(`the credential key must be ${KEY_BYTES} bytes`);
    this.store = store;
    this.key = key;
    this.kid = createHash("sha256").update(key).digest("hex").slice(0, 8);
  }

  /** The store write for a credential, for callers that commit it in one txn with other writes. */
  putOp(cluster: string, clusterUid: string, credential: MemberCredential): Op {
    return {
      type: "put",
      key: credentialKey(cluster),
      value: JSON.stringify(this.seal(cluster, clusterUid, credential)),
    };
  }

  async put(cluster: string, clusterUid: string, credential: MemberCredential): Promise<void> {
    await this.store.txn([], [this.putOp(cluster, clusterUid, credential)]);
  }

  /** The decrypted credential, or undefined when none is stored. Throws CredentialError when it cannot be decrypted. */
  async get(cluster: string): Promise<{ credential: MemberCredential; clusterUid: string } | undefined> {
    const kv = await this.store.get(credentialKey(cluster));
    if (!kv) return undefined;
    return this.open(cluster, parseEnvelope(cluster, kv.value));
  }

  /** Deletes a cluster's credential; with `clusterUid`, only if it belongs to that incarnation. */
  async delete(cluster: string, clusterUid?: string): Promise<boolean> {
    const key = credentialKey(cluster);
    const kv = await this.store.get(key);
    if (!kv) return false;
    if (clusterUid !== undefined && parseEnvelope(cluster, kv.value).clusterUid !== clusterUid) return false;
    try {
      await this.store.txn([{ key, modRevision: kv.modRevision }], [{ type: "delete", key }]);
      return true;
    } catch {
      return false; // replaced or deleted meanwhile: not ours to remove
    }
  }

  /** Every stored credential's cluster name and owner uid (for cleaning up after missed deletes). */
  async list(): Promise<{ cluster: string; clusterUid: string }[]> {
    const { items } = await this.store.range(CREDENTIALS_PREFIX);
    return items.map((kv) => {
      const cluster = kv.key.slice(CREDENTIALS_PREFIX.length);
      try {
        return { cluster, clusterUid: parseEnvelope(cluster, kv.value).clusterUid };
      } catch {
        return { cluster, clusterUid: "" }; // unreadable: owned by no cluster
      }
    });
  }

  private seal(cluster: string, clusterUid: string, credential: MemberCredential): Envelope {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    cipher.setAAD(aad(cluster, clusterUid));
    const data = Buffer.concat([
      cipher.update(JSON.stringify(credential), "utf8"),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return {
      v: 1,
      alg: "AES-256-GCM",
      kid: this.kid,
      clusterUid,
      iv: iv.toString("base64"),
      data: data.toString("base64"),
    };
  }

  private open(cluster: string, env: Envelope): { credential: MemberCredential; clusterUid: string } {
    if (env.kid !== this.kid)
      throw new CredentialError(
        `the credential of cluster "${cluster}" was encrypted with another key (${env.kid}, this hub has ${this.kid}); every hub replica needs the same ${ENCRYPTION_KEY_FILE}`,
      );
    const data = Buffer.from(env.data, "base64");
    try {
      const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(env.iv, "base64"));
      decipher.setAAD(aad(cluster, env.clusterUid));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(data.subarray(0, data.length - TAG_BYTES)),
        decipher.final(),
      ]);
      return {
        credential: JSON.parse(plain.toString("utf8")) as MemberCredential,
        clusterUid: env.clusterUid,
      };
    } catch {
      throw new CredentialError(
        `the credential of cluster "${cluster}" does not decrypt (tampered with, or moved from another cluster)`,
      );
    }
  }
}

function aad(cluster: string, clusterUid: string): Buffer {
  return Buffer.from(`mcp.platform/credentials\0${cluster}\0${clusterUid}`, "utf8");
}

function parseEnvelope(cluster: string, text: string): Envelope {
  try {
    const env = JSON.parse(text) as Envelope;
    if (env.v === 1 && typeof env.iv === "string" && typeof env.data === "string") return env;
  } catch {
    // fall through
  }
  throw new CredentialError(`the stored credential of cluster "${cluster}" is not readable`);
}
