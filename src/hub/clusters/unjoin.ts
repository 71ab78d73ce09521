// Unjoin cleanup: when a Cluster is deleted (`mcpctl cluster unjoin NAME`), its credentials go
// with it — the agent's tokens (user system:cluster:<name>) are revoked so it cannot reconnect,
// the push credential is deleted — and then listeners are told, so the agent endpoint can end
// that agent's stream with a Goodbye.
//
// Deletes missed while the hub was down (or hidden by a relist) are caught up on sync: any
// credential or cluster token without a live Cluster of that name and uid is removed.
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import { revokeTokensFor, TOKENS_KEY_PREFIX, type TokenRecord } from "../../apiserver/auth/tokens.ts";
import type { Store } from "../../storage/store.ts";
import type { CredentialStore } from "./credentials.ts";

const CLUSTER_USER_PREFIX = "system:cluster:";

/** The user name a cluster's agent authenticates as; its tokens are revoked on unjoin. */
export function clusterUserName(cluster: string): string {
  return `${CLUSTER_USER_PREFIX}${cluster}`;
}

export type UnjoinListener = (cluster: string) => void;

export interface UnjoinCleanupOptions {
  store: Store;
  credentials: CredentialStore;
  log: Logger;
  /** The Cluster as stored now (undefined when absent). */
  lookup: (name: string) => Promise<KubeObject | undefined>;
}

export class UnjoinCleanup {
  private readonly opts: UnjoinCleanupOptions;
  private readonly listeners = new Set<UnjoinListener>();

  constructor(opts: UnjoinCleanupOptions) {
    this.opts = opts;
  }

  /** Registers a listener called with the name of each unjoined cluster. Returns its removal. */
  onUnjoined(listener: UnjoinListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** The Cluster is gone: revoke, delete, notify. Safe to repeat. */
  async cleanup(cluster: string, uid: string | undefined): Promise<void> {
    const tokens = await revokeTokensFor(this.opts.store, clusterUserName(cluster));
    // With the uid, a re-joined cluster of the same name keeps its new credential.
    const credential = await this.opts.credentials.delete(cluster, uid);
    this.opts.log.info({ cluster, revokedTokens: tokens, deletedCredential: credential }, "cluster unjoined");
    for (const listener of this.listeners) {
      try {
        listener(cluster);
      } catch (err) {
        this.opts.log.warn({ err: String(err), cluster }, "unjoin listener failed");
      }
    }
  }

  /**
   * After a (re)list: removes credentials and cluster tokens no live Cluster owns. `live` only
   * narrows the candidates; each is checked against the store before anything is removed, so a
   * join that lands meanwhile keeps what it wrote.
   */
  async collectOrphans(live: KubeObject[]): Promise<void> {
    const uids = new Map(live.map((c) => [c.metadata.name!, c.metadata.uid ?? ""]));
    const candidates = new Map<string, string | undefined>();
    for (const { cluster, clusterUid } of await this.opts.credentials.list())
      if (uids.get(cluster) !== clusterUid) candidates.set(cluster, clusterUid);
    for (const user of await this.clusterTokenUsers())
      if (!uids.has(user) && !candidates.has(user)) candidates.set(user, undefined);
    for (const [cluster, credentialUid] of candidates) {
      const current = await this.opts.lookup(cluster);
      if (!current) {
        await this.cleanup(cluster, credentialUid);
        continue;
      }
      // A live cluster holding a credential of an earlier incarnation: drop only that credential.
      if (credentialUid !== undefined && credentialUid !== current.metadata.uid)
        await this.opts.credentials.delete(cluster, credentialUid);
    }
  }

  private async clusterTokenUsers(): Promise<Set<string>> {
    const { items } = await this.opts.store.range(TOKENS_KEY_PREFIX);
    const users = new Set<string>();
    for (const kv of items) {
      try {
        const name = (JSON.parse(kv.value) as TokenRecord).user?.name;
        if (name?.startsWith(CLUSTER_USER_PREFIX)) users.add(name.slice(CLUSTER_USER_PREFIX.length));
      } catch {
        // not a token record we can read; tokens.ts ignores it too
      }
    }
    return users;
  }
}
