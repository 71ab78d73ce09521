// The HTTPS listener of one simulated cluster, switchable at run time: closing it drops every
// connection (clients see "connection refused", as with a cluster that is down), and opening it
// again binds the same port, so kubeconfigs stay valid across an outage. Changes are applied one
// after another, whatever order callers ask in.
import type { RequestListener } from "node:http";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { applyServingTimeouts } from "../apiserver/http/serving.ts";

export class SwitchableListener {
  readonly host: string;
  /** The bound port (0 until first opened when a free port was asked for). */
  port: number;
  private readonly server: Server;
  private listening = false;
  private queue: Promise<void> = Promise.resolve();

  constructor(opts: {
    host: string;
    port: number;
    certPem: string;
    keyPem: string;
    handler: RequestListener;
  }) {
    this.host = opts.host;
    this.port = opts.port;
    this.server = createServer({ cert: opts.certPem, key: opts.keyPem }, opts.handler);
    applyServingTimeouts(this.server);
  }

  /** Opens (true) or closes (false) the listener, after any change already under way. */
  set(open: boolean): Promise<void> {
    const next = this.queue.then(() => (open ? this.open() : this.close()));
    this.queue = next.catch(() => {});
    return next;
  }

  private async open(): Promise<void> {
    if (this.listening) return;
    await new Promise<void>((resolve, reject) => {
      this.server.once("error", reject);
      this.server.listen(this.port, this.host, () => {
        this.server.off("error", reject);
        resolve();
      });
    });
    this.listening = true;
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async close(): Promise<void> {
    if (!this.listening) return;
    const closed = new Promise<void>((r) => this.server.close(() => r()));
    this.server.closeAllConnections();
    await closed;
    this.listening = false;
  }
}
