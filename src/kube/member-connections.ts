// One connection pool per member apiserver, shared by every request MCP makes to it (status
// collections, Work applies, resyncs), kept across calls.
//
// @kubernetes/client-node builds a new undici pool for every request, so each request would open
// a new TLS connection (parsing the CA and client certificate again). Here the first request of a
// member makes one pool, with one TLS context built once, and later requests reuse its
// connections: idle ones are kept for up to a minute (undici's default is 4 s, shorter than any
// sync interval) unless the server asks for less. Authentication headers are still applied by
// client-node on every request (rotating tokens keep working). Behind a proxy, client-node's own
// dispatcher is kept and shared the same way.
import type { RequestOptions } from "node:https";
import { createSecureContext } from "node:tls";
import type { KubeConfig, RequestContext } from "@kubernetes/client-node";
import { Agent, type Dispatcher } from "undici";

/** How long an idle connection is kept when the server does not say. */
const IDLE_MS = 60_000;

type ClientDispatcher = NonNullable<ReturnType<RequestContext["getDispatcher"]>>;

export class MemberConnections {
  private readonly kc: KubeConfig;
  private pool: Promise<ClientDispatcher | undefined> | undefined;

  constructor(kc: KubeConfig) {
    this.kc = kc;
  }

  /** Call after kc.applySecurityAuthentication(ctx): points the request at the shared pool. */
  async use(ctx: RequestContext): Promise<void> {
    this.pool ??= this.make(ctx.getDispatcher()).catch((e) => {
      this.pool = undefined;
      throw e;
    });
    const pool = await this.pool;
    if (pool) ctx.setDispatcher(pool);
  }

  /** Closes the pool's connections; a later request opens a new pool. */
  async close(): Promise<void> {
    const pool = await this.pool?.catch(() => undefined);
    this.pool = undefined;
    await pool?.close().catch(() => pool.destroy());
  }

  private async make(made: ClientDispatcher | undefined): Promise<ClientDispatcher | undefined> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster?.server.startsWith("https:") || cluster.proxyUrl) return made;
    const tls: RequestOptions = {};
    await this.kc.applyToHTTPSOptions(tls);
    const secureContext = createSecureContext({
      ca: tls.ca,
      cert: tls.cert,
      key: tls.key,
      pfx: tls.pfx,
      passphrase: tls.passphrase,
    });
    // The pool client-node made for this request has no connections yet; dropping it costs nothing.
    await made?.close().catch(() => {});
    const agent: Dispatcher = new Agent({
      connect: {
        secureContext,
        ...(tls.rejectUnauthorized !== undefined ? { rejectUnauthorized: tls.rejectUnauthorized } : {}),
        ...(tls.servername ? { servername: tls.servername } : {}),
        keepAlive: true,
        keepAliveInitialDelay: 30_000,
      },
      keepAliveTimeout: IDLE_MS,
    });
    return agent as unknown as ClientDispatcher;
  }
}
