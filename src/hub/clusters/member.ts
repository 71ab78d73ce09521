// How the hub talks to a push-mode member: a KubeConfig built in memory from the Cluster's
// endpoint and CA and the decrypted credential (never written to disk), and the one connection
// pool every request to it goes through (MemberLinks: the hub makes one, shared by the poller, the
// push syncer, push audits and diagnostic scans).
import { createHash } from "node:crypto";
import { KubeConfig } from "@kubernetes/client-node";
import { MemberConnections } from "../../kube/member-connections.ts";
import type { CredentialStore, MemberCredential } from "./credentials.ts";

export interface MemberEndpoint {
  name: string;
  apiEndpoint: string;
  /** Base64 PEM of the member's CA; without it the system's trust store is used. */
  caData?: string;
}

export function memberKubeConfig(member: MemberEndpoint, credential: MemberCredential): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromOptions({
    clusters: [
      {
        name: member.name,
        server: member.apiEndpoint,
        ...(member.caData ? { caData: member.caData } : {}),
        skipTLSVerify: false,
      },
    ],
    users: [
      {
        name: `mcp-hub@${member.name}`,
        ...(credential.token ? { token: credential.token } : {}),
        ...(credential.clientCertificateData ? { certData: credential.clientCertificateData } : {}),
        ...(credential.clientKeyData ? { keyData: credential.clientKeyData } : {}),
      },
    ],
    contexts: [{ name: member.name, cluster: member.name, user: `mcp-hub@${member.name}` }],
    currentContext: member.name,
  });
  return kc;
}

/** A member's KubeConfig and the one connection pool every request to it goes through. */
export interface MemberLink {
  kc: KubeConfig;
  connections: MemberConnections;
}

interface Entry extends MemberLink {
  /** A hash of endpoint, CA and credential: what the link was built from (the credential itself is not kept here). */
  fingerprint: string;
}

function fingerprint(member: MemberEndpoint, credential: MemberCredential): string {
  return createHash("sha256")
    .update(
      JSON.stringify([
        member.apiEndpoint,
        member.caData ?? "",
        credential.token ?? "",
        credential.clientCertificateData ?? "",
        credential.clientKeyData ?? "",
      ]),
    )
    .digest("hex");
}

/**
 * One MemberLink per member, kept from one call to the next and shared by everyone who calls the
 * member: a pool holds its TLS context and keeps its connections open, so a poll every
 * syncInterval, a Work apply or an audit costs no new handshake. A link is built again (the old
 * pool closed) when the member's endpoint, CA or credential changes — users holding a link compare
 * it with get()'s answer to notice — and closed when the member is forgotten (unjoin, hub stop).
 */
export class MemberLinks {
  private readonly links = new Map<string, Entry>();

  /** The member's link for this endpoint and credential: the one kept, or a new one. */
  get(member: MemberEndpoint, credential: MemberCredential): MemberLink {
    const fp = fingerprint(member, credential);
    const kept = this.links.get(member.name);
    if (kept?.fingerprint === fp) return kept;
    // Requests still in flight on the old pool finish first (undici closes gracefully).
    if (kept) kept.connections.close().catch(() => {});
    const kc = memberKubeConfig(member, credential);
    const entry: Entry = { kc, connections: new MemberConnections(kc), fingerprint: fp };
    this.links.set(member.name, entry);
    return entry;
  }

  /** The member's link, from its stored credential; throws when none is stored. */
  async forCluster(member: MemberEndpoint, credentials: Pick<CredentialStore, "get">): Promise<MemberLink> {
    const stored = await credentials.get(member.name);
    if (!stored) throw new Error(`no credential is stored for push cluster "${member.name}"; join it again`);
    return this.get(member, stored.credential);
  }

  /** Closes the member's connections and forgets its link. */
  async forget(name: string): Promise<void> {
    const kept = this.links.get(name);
    this.links.delete(name);
    await kept?.connections.close();
  }

  async close(): Promise<void> {
    await Promise.all([...this.links.keys()].map((n) => this.forget(n)));
  }

  /** Members with a link (tests, metrics). */
  get size(): number {
    return this.links.size;
  }
}
