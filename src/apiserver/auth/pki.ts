// The hub's PKI: one self-made CA (ECDSA P-256) in the data dir, the HTTPS serving certificate it
// signs, and client certificates for users and agents (CN = user name, O = groups, as Kubernetes
// reads them). Keys are PKCS#8 PEM so Node's `tls` and Go clients (kubectl) accept them.

// tsyringe, which @peculiar/x509 uses internally, needs the Reflect metadata API loaded first.
import "reflect-metadata";
import { createPrivateKey, X509Certificate as NodeX509, randomBytes, type webcrypto } from "node:crypto";
import { mkdir } from "node:fs/promises";
import { isIP } from "node:net";
import { hostname } from "node:os";
import { join } from "node:path";
import * as x509 from "@peculiar/x509";
import { readOptional, writeAtomic } from "./files.ts";

x509.cryptoProvider.set(globalThis.crypto);

const EC_KEY = { name: "ECDSA", namedCurve: "P-256" } as const;
const SIGNING = { name: "ECDSA", hash: "SHA-256" } as const;
const DAY_MS = 86_400_000;
const CA_DAYS = 3650;
const SERVING_DAYS = 365;
/** A serving certificate closer than this to its end is re-issued at start-up. */
const RENEW_BEFORE_DAYS = 30;
/** Certificates start a little in the past so a peer with a slow clock still accepts them. */
const BACKDATE_MS = 5 * 60_000;

export interface CertKeyPair {
  certPem: string;
  keyPem: string;
}

export interface Pki {
  ca: CertKeyPair;
  serving: CertKeyPair;
  paths: { caCert: string; caKey: string; servingCert: string; servingKey: string };
  /** What this call had to create, for the start-up log. */
  generated: { ca: boolean; serving: boolean };
}

export interface EnsurePkiOptions {
  /** Extra names (DNS or IP) the serving certificate must cover, besides the loopback ones. */
  hosts?: string[];
  /** The time to judge expiry against (tests). Default: now. */
  now?: Date;
}

export interface ClientCertOptions {
  /** The user name. */
  commonName: string;
  /** The user's groups. */
  organizations?: string[];
  /** Validity in days. Default 365. */
  days?: number;
  now?: Date;
}

/** Loads the CA and serving certificate from dataDir, creating or re-issuing what is missing or stale. */
export async function ensurePki(dataDir: string, opts: EnsurePkiOptions = {}): Promise<Pki> {
  const now = opts.now ?? new Date();
  const paths = {
    caCert: join(dataDir, "ca.crt"),
    caKey: join(dataDir, "ca.key"),
    servingCert: join(dataDir, "serving.crt"),
    servingKey: join(dataDir, "serving.key"),
  };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });

  let ca = await loadPair(paths.caCert, paths.caKey);
  const generated = { ca: false, serving: false };
  if (!ca) {
    ca = await createCa(now);
    await writePair(paths.caCert, paths.caKey, ca);
    generated.ca = true;
  }

  const names = servingNames(opts.hosts ?? []);
  let serving = await loadPair(paths.servingCert, paths.servingKey).catch(() => undefined);
  if (!serving || !servingIsCurrent(serving, ca, names, now)) {
    serving = await issueServingCert(ca, names, now);
    await writePair(paths.servingCert, paths.servingKey, serving);
    generated.serving = true;
  }
  return { ca, serving, paths, generated };
}

/** Signs a client certificate (extKeyUsage clientAuth) with the CA: CN = user, O = groups. */
export async function issueClientCert(ca: CertKeyPair, opts: ClientCertOptions): Promise<CertKeyPair> {
  if (!opts.commonName) throw new Error("a client certificate needs a commonName (the user name)");
  const now = opts.now ?? new Date();
  const subject: x509.JsonName = [
    ...(opts.organizations ?? []).map((o) => ({ O: [o] })),
    { CN: [opts.commonName] },
  ];
  return issueLeaf(ca, {
    subject,
    days: opts.days ?? 365,
    now,
    extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
  });
}

/** The names the serving certificate covers: loopback, this host, and the configured hosts. */
export function servingNames(hosts: string[]): x509.JsonGeneralNames {
  const all = ["localhost", "127.0.0.1", "::1", hostname(), ...hosts];
  const seen = new Set<string>();
  const names: x509.JsonGeneralNames = [];
  for (const raw of all) {
    const host = raw.trim().replace(/^\[(.*)\]$/, "$1");
    if (!host) continue;
    const type = isIP(host) ? "ip" : "dns";
    const value = type === "dns" ? host.toLowerCase() : host;
    if (seen.has(`${type}:${value}`)) continue;
    seen.add(`${type}:${value}`);
    names.push({ type, value });
  }
  return names;
}

async function createCa(now: Date): Promise<CertKeyPair> {
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serialNumber(),
    name: [{ CN: ["mcp-ca"] }],
    notBefore: new Date(now.getTime() - BACKDATE_MS),
    notAfter: new Date(now.getTime() + CA_DAYS * DAY_MS),
    signingAlgorithm: SIGNING,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: `${cert.toString("pem")}\n`, keyPem: await exportKey(keys.privateKey) };
}

function issueServingCert(ca: CertKeyPair, names: x509.JsonGeneralNames, now: Date): Promise<CertKeyPair> {
  return issueLeaf(ca, {
    subject: [{ CN: ["mcp-server"] }],
    days: SERVING_DAYS,
    now,
    extensions: [
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(names),
    ],
  });
}

interface LeafOptions {
  subject: x509.JsonName;
  days: number;
  now: Date;
  extensions: x509.Extension[];
}

async function issueLeaf(ca: CertKeyPair, opts: LeafOptions): Promise<CertKeyPair> {
  const caCert = new x509.X509Certificate(ca.certPem);
  const keys = await generateKeys();
  // A leaf must not outlive its CA: Go clients reject the chain past the CA's notAfter anyway.
  const notAfter = Math.min(opts.now.getTime() + opts.days * DAY_MS, caCert.notAfter.getTime());
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serialNumber(),
    subject: opts.subject,
    issuer: caCert.subject,
    notBefore: new Date(opts.now.getTime() - BACKDATE_MS),
    notAfter: new Date(notAfter),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: await importKey(ca.keyPem),
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey),
      ...opts.extensions,
    ],
  });
  return { certPem: `${cert.toString("pem")}\n`, keyPem: await exportKey(keys.privateKey) };
}

/** True when the serving certificate is signed by this CA, covers exactly `names` and is not about to expire. */
function servingIsCurrent(serving: CertKeyPair, ca: CertKeyPair, names: x509.JsonGeneralNames, now: Date) {
  const leaf = new NodeX509(serving.certPem);
  const caCert = new NodeX509(ca.certPem);
  if (!leaf.checkIssued(caCert) || !leaf.verify(caCert.publicKey)) return false;
  if (leaf.validToDate.getTime() - now.getTime() < RENEW_BEFORE_DAYS * DAY_MS) return false;
  const san = new x509.X509Certificate(serving.certPem).getExtension(x509.SubjectAlternativeNameExtension);
  if (!san) return false;
  const have = new Set(san.names.toJSON().map((n) => `${n.type}:${n.value}`));
  // Round-trip the wanted names through DER so both sides are spelled the same way.
  const want = new x509.SubjectAlternativeNameExtension(
    new x509.SubjectAlternativeNameExtension(names).rawData,
  );
  const wanted = want.names.toJSON().map((n) => `${n.type}:${n.value}`);
  return have.size === wanted.length && wanted.every((n) => have.has(n));
}

/** Reads a cert+key pair; undefined when neither file exists. Half a pair, or a mismatch, is an error. */
async function loadPair(certPath: string, keyPath: string): Promise<CertKeyPair | undefined> {
  const [certPem, keyPem] = await Promise.all([readOptional(certPath), readOptional(keyPath)]);
  if (certPem === undefined && keyPem === undefined) return undefined;
  if (certPem === undefined || keyPem === undefined) {
    throw new Error(
      `${certPem === undefined ? certPath : keyPath} is missing while its pair exists; restore it or remove both`,
    );
  }
  if (!new NodeX509(certPem).checkPrivateKey(createPrivateKey(keyPem))) {
    throw new Error(`${keyPath} does not belong to ${certPath}`);
  }
  return { certPem, keyPem };
}

/** Writes each file atomically (temp file + rename) so a crash never leaves a truncated key. */
async function writePair(certPath: string, keyPath: string, pair: CertKeyPair): Promise<void> {
  await writeAtomic(keyPath, pair.keyPem, 0o600);
  await writeAtomic(certPath, pair.certPem, 0o644);
}

function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return crypto.subtle.generateKey(EC_KEY, true, ["sign", "verify"]);
}

async function exportKey(key: webcrypto.CryptoKey): Promise<string> {
  const der = await crypto.subtle.exportKey("pkcs8", key);
  return `${x509.PemConverter.encode(der, "PRIVATE KEY")}\n`;
}

function importKey(pem: string): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(pem).export({ type: "pkcs8", format: "der" });
  return crypto.subtle.importKey("pkcs8", der, EC_KEY, false, ["sign"]);
}

/** 128 random bits, kept positive: Go rejects certificates with negative serial numbers. */
function serialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = (bytes[0] & 0x7f) | 0x40;
  return bytes.toString("hex");
}
