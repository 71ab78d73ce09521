// One watch connection in the fan-out phase. Each update carries its sequence number and the
// client's send time (performance.now(), valid because the writer and every watcher share this
// process's clock), so each received event yields one delivery latency sample and a tick in a
// per-watcher bitmap that later proves no event was lost or repeated.
import type { IncomingMessage } from "node:http";
import type { HubClient } from "../lib/hub-client.ts";
import type { LatencyRecorder } from "../lib/latency.ts";

interface WatchLine {
  type: string;
  object?: { data?: { seq?: string; sentAt?: string } };
}

export class BenchWatcher {
  received = 0;
  duplicates = 0;
  /** ERROR events, unparsable lines, or a stream that ended early. */
  errors = 0;
  lastReceiveAt = 0;
  readonly done: Promise<void>;
  private readonly seen: Uint8Array;
  /** How many events to wait for: every update until the writes end, then the acknowledged ones. */
  private target: number;
  private acked?: Uint8Array;
  private markDone!: () => void;
  private res?: IncomingMessage;

  private readonly updates: number;
  private readonly latency: LatencyRecorder;

  constructor(updates: number, latency: LatencyRecorder) {
    this.updates = updates;
    this.latency = latency;
    this.seen = new Uint8Array(updates);
    this.target = updates;
    this.done = new Promise((r) => {
      this.markDone = r;
    });
    if (updates === 0) this.markDone();
  }

  /** Once the writes are over: only updates the server acknowledged (acked[seq] = 1) are owed. */
  expect(acked: Uint8Array): void {
    this.acked = acked;
    this.target = acked.reduce((a, b) => a + b, 0);
    if (this.received >= this.target) this.markDone();
  }

  /** Acknowledged updates this watcher never saw. */
  get missing(): number {
    let n = 0;
    for (let i = 0; i < this.updates; i++) if ((this.acked ? this.acked[i] : 1) && !this.seen[i]) n++;
    return n;
  }

  async open(client: HubClient, path: string, signal: AbortSignal): Promise<void> {
    const res = await client.stream(path, signal);
    this.res = res;
    res.setEncoding("utf8");
    let buf = "";
    res.on("data", (chunk: string) => {
      buf += chunk;
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        this.onLine(buf.slice(0, nl));
        buf = buf.slice(nl + 1);
        nl = buf.indexOf("\n");
      }
    });
    res.on("end", () => {
      if (!signal.aborted) this.errors++;
    });
    // Aborting at the end of the phase surfaces here as an AbortError; nothing to report.
    res.on("error", () => {});
  }

  close(): void {
    this.res?.destroy();
  }

  private onLine(line: string): void {
    if (line === "") return;
    const now = performance.now();
    let ev: WatchLine;
    try {
      ev = JSON.parse(line) as WatchLine;
    } catch {
      this.errors++;
      return;
    }
    if (ev.type === "ERROR") this.errors++;
    const data = ev.object?.data;
    if (ev.type !== "MODIFIED" || data?.seq === undefined || data.sentAt === undefined) return;
    const seq = Number(data.seq);
    if (this.seen[seq]) {
      this.duplicates++;
      return;
    }
    this.seen[seq] = 1;
    this.received++;
    this.lastReceiveAt = now;
    this.latency.record(now - Number(data.sentAt));
    if (this.received >= this.target) this.markDone();
  }
}
