// Pull sync: Work → agents over their streams (an AgentStreamExtension, attached with
// AgentEndpoint.extend). On a stream's start the agent's Hello says what it has: it gets the delta
// above that revision, or everything when it has nothing or is ahead of the Work (recreated). After
// that every change of the Work sends the delta above what was last sent on that stream, so a
// stream sees each revision once, in order. Acks become Work.status (work-status.ts); an ack for a
// revision above what the stream was sent (or had) is refused: the agent cannot have applied it.
// Only accepted clusters have streams here (the endpoint calls `connected` for those only).
import type { Logger } from "pino";
import type { Hello, WorkAck, WorkUpdate } from "../../apis/agent/v1/protocol.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { AgentStreamExtension } from "../agent-endpoint/connect.ts";
import type { AgentSession } from "../agent-endpoint/sessions.ts";
import type { PropagationCache, PropagationListener } from "./cache.ts";
import { type DeltaPlan, deltaUpdates, MAX_UPDATE_BYTES, resumeUpdates } from "./sync-delta.ts";
import { workSpec } from "./work-object.ts";
import { type Ack, parseManifestStatuses } from "./work-status.ts";

export interface PullSyncOptions {
  cache: PropagationCache;
  log: Logger;
  /** Writes an ack onto the cluster's Work (recordAck, plus metrics). */
  recordAck(cluster: string, ack: Ack): Promise<void>;
  /** Bound of one update's payload. Default 3 MiB. */
  maxUpdateBytes?: number;
}

interface StreamState {
  session: AgentSession;
  /** The revision the agent is known to have or was last sent on this stream. */
  sent: number;
  /** The uid of the Work last sent from (undefined: nothing decided yet on this stream). */
  workUid?: string;
}

export class PullSync implements AgentStreamExtension, PropagationListener {
  private readonly opts: PullSyncOptions;
  private readonly streams = new Map<string, StreamState>();

  constructor(opts: PullSyncOptions) {
    this.opts = opts;
    opts.cache.subscribe(this);
  }

  connected(session: AgentSession, hello: Hello): void {
    const existing = this.streams.get(session.clusterName);
    if (existing?.session === session) {
      this.pump(existing); // approved again, or a feature attached late: nothing is resent
      return;
    }
    const state: StreamState = { session, sent: Math.max(0, hello.acked_revision || 0) };
    this.streams.set(session.clusterName, state);
    // After a hub start the Works may still be loading: answer once they are.
    if (this.opts.cache.ready) this.pump(state);
    else void this.opts.cache.synced.then(() => this.pump(state));
  }

  disconnected(session: AgentSession): void {
    if (this.streams.get(session.clusterName)?.session === session) this.streams.delete(session.clusterName);
  }

  async workAck(session: AgentSession, ack: WorkAck): Promise<void> {
    const state = this.streams.get(session.clusterName);
    if (state?.session !== session) return;
    if (ack.revision > state.sent) {
      session.log.warn(
        { revision: ack.revision, sent: state.sent },
        "Work ack for a revision above what this stream was sent: ignored",
      );
      return;
    }
    let statuses: Ack["statuses"];
    try {
      statuses = parseManifestStatuses(ack.manifest_statuses_json);
    } catch (e) {
      session.log.warn({ err: (e as Error).message, revision: ack.revision }, "invalid Work ack: ignored");
      return;
    }
    await this.opts.recordAck(session.clusterName, {
      revision: ack.revision,
      statuses,
      error: ack.error || undefined,
    });
  }

  workChanged(cluster: string): void {
    const state = this.streams.get(cluster);
    if (state && this.opts.cache.ready) this.pump(state);
  }

  /** Sends what the stream lacks of its cluster's Work (synchronous: sends stay in order). */
  private pump(state: StreamState): void {
    const { session } = state;
    // A cluster whose approval was withdrawn keeps its stream but gets nothing until approved again.
    if (session.closed || !session.accepted || this.streams.get(session.clusterName) !== state) return;
    const work = this.opts.cache.works.get(session.clusterName);
    if (!work) return; // nothing for this cluster (yet); a new Work will be sent whole or as a delta
    const spec = workSpec(work);
    if (spec.suspendDispatching) return;
    const max = this.opts.maxUpdateBytes ?? MAX_UPDATE_BYTES;
    let plan: DeltaPlan;
    if (state.workUid === undefined) plan = resumeUpdates(spec, state.sent, max);
    else if (state.workUid !== work.metadata.uid) plan = resumeUpdates(spec, spec.revision + 1, max);
    else plan = deltaUpdates(spec, state.sent, max);
    state.workUid = work.metadata.uid;
    if (plan.oversize)
      session.log.error(
        { revision: spec.revision, reason: plan.oversize },
        "Work update too large for the agent",
      );
    for (const u of plan.updates) this.send(state, u, work);
  }

  private send(state: StreamState, u: WorkUpdate, work: KubeObject): void {
    state.session.sendWork(u);
    state.sent = u.revision;
    state.session.log.debug(
      {
        revision: u.revision,
        full: u.full,
        bytes: u.manifests_json.length + u.deletions_json.length,
        work: work.metadata.name,
      },
      "Work update sent",
    );
  }
}
