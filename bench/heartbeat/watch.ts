// End-to-end heartbeat latency as a user of the API sees it: one watch on Clusters (as a dashboard
// or `mcpctl get clusters -w` holds), and for every new status.lastHeartbeatTime, the time since
// that cluster's agent sent the heartbeat — both to the hub's stamp (the hub's clock: same machine)
// and to this watch's receipt. Only heartbeats sent after start() count.
import type { IncomingMessage } from "node:http";
import type { HubClient } from "../lib/hub-client.ts";
import { LatencyRecorder } from "../lib/latency.ts";
import { CLUSTERS } from "./fleet.ts";

interface Event {
  type: string;
  object: { metadata?: { name?: string }; status?: { lastHeartbeatTime?: string } };
}

export class HeartbeatWatch {
  readonly toStamp = new LatencyRecorder();
  readonly toWatch = new LatencyRecorder();
  /** cluster → send time (epoch ms) of its latest heartbeat not yet seen. */
  private readonly pending = new Map<string, number>();
  private readonly lastSeen = new Map<string, string>();
  private recording = false;
  private readonly abort = new AbortController();
  private res?: IncomingMessage;
  errors = 0;

  /** The fleet calls this when an agent sends. */
  sent(cluster: string): void {
    if (this.recording) this.pending.set(cluster, Date.now());
  }

  async open(client: HubClient, resourceVersion: string): Promise<void> {
    this.res = await client.stream(
      `${CLUSTERS}?watch=1&resourceVersion=${resourceVersion}`,
      this.abort.signal,
    );
    this.res.setEncoding("utf8");
    let buf = "";
    this.res.on("data", (chunk: string) => {
      buf += chunk;
      for (let nl = buf.indexOf("\n"); nl >= 0; nl = buf.indexOf("\n")) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        if (line.trim()) this.onEvent(JSON.parse(line) as Event);
      }
    });
    this.res.on("error", () => {
      if (!this.abort.signal.aborted) this.errors++;
    });
  }

  start(): void {
    this.recording = true;
  }

  stop(): void {
    this.recording = false;
  }

  close(): void {
    this.abort.abort();
    this.res?.destroy();
  }

  private onEvent(e: Event): void {
    const now = Date.now();
    if (e.type === "ERROR") this.errors++;
    const name = e.object.metadata?.name;
    const beat = e.object.status?.lastHeartbeatTime;
    if (!name || !beat || this.lastSeen.get(name) === beat) return;
    this.lastSeen.set(name, beat);
    const sentAt = this.pending.get(name);
    if (sentAt === undefined || !this.recording) return;
    this.pending.delete(name);
    this.toStamp.record(Math.max(0, Date.parse(beat) - sentAt));
    this.toWatch.record(now - sentAt);
  }
}
