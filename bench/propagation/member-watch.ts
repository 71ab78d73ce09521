// What the members see: one watch per simulated cluster on the probe's namespace, over HTTPS with
// that cluster's own CA and token (as kubectl would), reopened if it breaks (a reopened watch
// starts with the current state, so nothing is lost). Every probe sequence number a member shows
// goes to `tracker`.
import type { IncomingMessage } from "node:http";
import { HubClient } from "../lib/hub-client.ts";
import { runPool } from "../lib/pool.ts";
import { PROBE_NAME, PROBE_NAMESPACE, probeSeq } from "./probe.ts";
import { SeqTracker } from "./seq-tracker.ts";

// A watch on a namespace that does not exist yet is valid: it shows the probe once it arrives.
const WATCH_PATH = `/api/v1/namespaces/${PROBE_NAMESPACE}/configmaps?watch=1`;
const REOPEN_MS = 250;

export interface WatchEvent {
  type: string;
  object?: { metadata?: { name?: string }; data?: unknown; [field: string]: unknown };
}

/** Calls onEvent for each JSON line of a watch response, with the time its chunk arrived. */
export function readEvents(res: IncomingMessage, onEvent: (e: WatchEvent, now: number) => void): void {
  res.setEncoding("utf8");
  let buf = "";
  res.on("data", (chunk: string) => {
    // Stamped before parsing, so the time spent on JSON is not counted.
    const now = performance.now();
    buf += chunk;
    for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.trim()) onEvent(JSON.parse(line) as WatchEvent, now);
    }
  });
  res.on("error", () => {});
}

export class MemberWatches {
  readonly tracker: SeqTracker;
  private readonly clients: HubClient[];
  private readonly abort = new AbortController();
  private readonly responses = new Set<IncomingMessage>();
  /** Watches that broke and were reopened. */
  reopened = 0;

  private constructor(names: string[], clients: HubClient[]) {
    this.tracker = new SeqTracker(names);
    this.clients = clients;
  }

  /** Opens one watch per member (kubeconfigs[i] is cluster names[i]). */
  static async open(names: string[], kubeconfigs: string[]): Promise<MemberWatches> {
    const clients = await Promise.all(kubeconfigs.map((k) => HubClient.fromKubeconfig(k, { maxSockets: 1 })));
    const w = new MemberWatches(names, clients);
    try {
      // Bounded: a thousand TLS handshakes at once would only queue in the simulator.
      await runPool(clients.length, 32, (i) => w.watch(i));
    } catch (e) {
      w.close();
      throw e;
    }
    return w;
  }

  close(): void {
    this.abort.abort();
    for (const r of this.responses) r.destroy();
    for (const c of this.clients) c.close();
  }

  private async watch(i: number): Promise<void> {
    const res = await this.clients[i].stream(WATCH_PATH, this.abort.signal);
    this.responses.add(res);
    readEvents(res, (e, now) => {
      if ((e.type === "ADDED" || e.type === "MODIFIED") && e.object?.metadata?.name === PROBE_NAME)
        this.tracker.observe(i, probeSeq(e.object), now);
    });
    const reopen = () => {
      this.responses.delete(res);
      if (this.abort.signal.aborted) return;
      this.reopened++;
      setTimeout(() => this.watch(i).catch(reopen), REOPEN_MS);
    };
    res.once("close", reopen);
  }
}
