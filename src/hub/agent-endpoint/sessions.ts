// The live agent streams of this hub replica, one per cluster. A newer stream replaces an older
// one (the older is usually a half-dead connection the agent has already given up on), and the
// hub reaches an agent through its session: a new Welcome when approval or syncInterval change,
// a Goodbye when the cluster is unjoined.
import { type ServerDuplexStream, status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type {
  AgentMessage,
  Command,
  Hello,
  OutgoingHubMessage,
  Welcome,
  WorkUpdate,
} from "../../apis/agent/v1/protocol.ts";
import type { DiagnoseParams } from "../../diag/fleet/report.ts";
import type { AgentEndpointMetrics } from "./metrics.ts";

export type AgentCall = ServerDuplexStream<AgentMessage, OutgoingHubMessage>;

export class AgentSession {
  readonly clusterName: string;
  readonly call: AgentCall;
  readonly log: Logger;
  /** The agent's Hello: its version and the Work revision it had applied when it connected. */
  hello?: Hello;
  /** What the agent was last told; a change is sent as a new Welcome. */
  welcome: Welcome;
  /**
   * Diagnose commands sent on this stream and not yet answered, by scan id: an agent's report is
   * stored only for a scan it was asked for, with the parameters the hub sent.
   */
  readonly pendingScans = new Map<string, DiagnoseParams>();
  private ended = false;

  constructor(clusterName: string, call: AgentCall, welcome: Welcome, log: Logger) {
    this.clusterName = clusterName;
    this.call = call;
    this.welcome = welcome;
    this.log = log;
  }

  get closed(): boolean {
    return this.ended || this.call.cancelled || this.call.destroyed || this.call.writableEnded;
  }

  /** Whether heartbeats are recorded: the hub accepts this cluster. */
  get accepted(): boolean {
    return !this.welcome.pending_approval;
  }

  sendWelcome(welcome: Welcome): void {
    this.welcome = welcome;
    this.send({ welcome });
  }

  /**
   * Sends a command to the agent; an answer comes back as a Report. A diagnose command's
   * parameters are remembered so that only the report for a scan asked for is stored.
   */
  sendCommand(command: Command, params?: DiagnoseParams): void {
    if (command.name === "diagnose" && params) this.pendingScans.set(command.id, params);
    this.send({ command });
  }

  /** Sends a Work update (src/hub/propagation/ decides what and when). */
  sendWork(work: WorkUpdate): void {
    this.send({ work });
  }

  /** Tells the agent to forget its credential and stop, then ends the stream. */
  goodbye(reason: string): void {
    if (this.closed) return;
    this.log.info({ reason }, "sending goodbye");
    this.send({ goodbye: { reason } });
    this.ended = true;
    this.call.end();
  }

  /** Ends the stream with an error status; the agent reconnects (or gives up, for auth errors). */
  fail(code: status, details: string): void {
    if (this.closed) return;
    this.ended = true;
    this.call.emit("error", { code, details });
  }

  private send(msg: OutgoingHubMessage): void {
    if (!this.closed) this.call.write(msg);
  }
}

export class AgentSessions {
  private readonly live = new Map<string, AgentSession>();
  private readonly metrics: AgentEndpointMetrics;

  constructor(metrics: AgentEndpointMetrics) {
    this.metrics = metrics;
  }

  get size(): number {
    return this.live.size;
  }

  get(clusterName: string): AgentSession | undefined {
    return this.live.get(clusterName);
  }

  all(): AgentSession[] {
    return [...this.live.values()];
  }

  /** Tracks a new stream for a cluster, ending the one it replaces. */
  add(session: AgentSession): void {
    const old = this.live.get(session.clusterName);
    this.live.set(session.clusterName, session);
    this.metrics.connectedAgents.set(this.live.size);
    if (old && old !== session) {
      old.log.info("replaced by a newer stream from the same cluster");
      old.fail(status.ABORTED, "replaced by a newer connection of this cluster's agent");
    }
  }

  /** Forgets a session that ended (a replaced session is already gone). */
  remove(session: AgentSession): void {
    if (this.live.get(session.clusterName) !== session) return;
    this.live.delete(session.clusterName);
    this.metrics.connectedAgents.set(this.live.size);
  }

  /** Ends every stream (hub shutdown); agents see UNAVAILABLE and reconnect with backoff. */
  endAll(details: string): void {
    for (const s of this.live.values()) s.fail(status.UNAVAILABLE, details);
    this.live.clear();
    this.metrics.connectedAgents.set(0);
  }
}
