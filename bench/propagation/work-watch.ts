// The hub's side of each write, from one watch on the Works (mcp-system/<cluster>): when each
// cluster's Work first carries a probe sequence number (scheduler + work builder + store: the
// hub's part), and when the Work's status says the member acknowledged the revision carrying it
// (the agent's ack, written back by the hub). With the members' own watches this splits each
// write's latency into hub, delivery (stream + agent apply + member) and ack stages.
import type { IncomingMessage } from "node:http";
import type { HubClient } from "../lib/hub-client.ts";
import { readEvents, type WatchEvent } from "./member-watch.ts";
import { PROBE_NAME, PROBE_NAMESPACE, probeSeq } from "./probe.ts";
import { SeqTracker } from "./seq-tracker.ts";

const WATCH_PATH = "/apis/mcp.platform/v1/namespaces/mcp-system/works?watch=1";
const REOPEN_MS = 250;

interface WorkObject {
  spec?: { cluster?: string; revision?: number; workload?: { manifests?: ManifestLike[] } };
  status?: { appliedRevision?: number };
}

interface ManifestLike {
  kind?: string;
  metadata?: { name?: string; namespace?: string };
  data?: unknown;
}

export class HubWorkWatch {
  /** When each cluster's Work first carried a sequence number. */
  readonly written: SeqTracker;
  /** When each cluster's Work status first acknowledged a revision carrying it. */
  readonly acked: SeqTracker;
  private readonly index: Map<string, number>;
  /** Per cluster: (Work revision, probe sequence number) as the Work carried them, ascending. */
  private readonly carried: { revision: number; seq: number }[][];
  private readonly client: HubClient;
  private readonly abort = new AbortController();
  private res: IncomingMessage | undefined;

  private constructor(client: HubClient, names: string[]) {
    this.client = client;
    this.written = new SeqTracker(names);
    this.acked = new SeqTracker(names);
    this.index = new Map(names.map((n, i) => [n, i]));
    this.carried = names.map(() => []);
  }

  static async open(client: HubClient, names: string[]): Promise<HubWorkWatch> {
    const w = new HubWorkWatch(client, names);
    await w.watch();
    return w;
  }

  close(): void {
    this.abort.abort();
    this.res?.destroy();
  }

  private async watch(): Promise<void> {
    const res = await this.client.stream(WATCH_PATH, this.abort.signal);
    this.res = res;
    readEvents(res, (e, now) => this.onEvent(e, now));
    const reopen = () => {
      if (this.abort.signal.aborted) return;
      setTimeout(() => this.watch().catch(reopen), REOPEN_MS);
    };
    res.once("close", reopen);
  }

  private onEvent(e: WatchEvent, now: number): void {
    if (e.type !== "ADDED" && e.type !== "MODIFIED") return;
    const work = e.object as WorkObject;
    const i = this.index.get(work.spec?.cluster ?? "");
    if (i === undefined) return;
    const carried = this.carried[i];
    const probe = work.spec?.workload?.manifests?.find(
      (m) =>
        m.kind === "ConfigMap" && m.metadata?.name === PROBE_NAME && m.metadata.namespace === PROBE_NAMESPACE,
    );
    const seq = probe ? probeSeq(probe) : Number.NaN;
    if (Number.isInteger(seq) && seq > (carried.at(-1)?.seq ?? -1)) {
      carried.push({ revision: work.spec?.revision ?? 0, seq });
      this.written.observe(i, seq, now);
    }
    const applied = work.status?.appliedRevision;
    if (applied === undefined) return;
    let ackedSeq: number | undefined;
    while (carried.length && carried[0].revision <= applied) ackedSeq = carried.shift()!.seq;
    if (ackedSeq !== undefined) {
      // Keep the latest acknowledged entry: later sequence numbers are compared with it.
      carried.unshift({ revision: applied, seq: ackedSeq });
      this.acked.observe(i, ackedSeq, now);
    }
  }
}
