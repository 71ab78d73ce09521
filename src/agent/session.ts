// One Connect stream from Hello to its end: waits for the hub's Welcome, then sends a Heartbeat
// with the member's observed status every sync interval (never two collections at once; a slow
// collection delays the next beat rather than piling up), and follows later Welcomes (approval,
// a new interval). It resolves with how the stream ended, for the agent's loop to act on.
import { status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import type {
  Command,
  HubMessage,
  OutgoingAgentMessage,
  Welcome,
  WorkUpdate,
} from "../apis/agent/v1/protocol.ts";
import { MCP_VERSION } from "../cli/version.ts";
import { unreachableReport } from "./heartbeat.ts";
import { type ConnectStream, grpcCode, type HubClient } from "./hub-client.ts";

/** Collects the member's status; throws when the member cannot be read (the session reports that). */
export type Collector = (signal: AbortSignal) => Promise<object>;

/**
 * Runs the hub's diagnose command (scan id, parameters) against the member and returns the
 * DiagnosticReport to send back; never throws for a scan that fails (the report says why).
 */
export type Diagnoser = (
  scanId: string,
  params: Record<string, unknown>,
  signal: AbortSignal,
) => Promise<object>;

/** What a session extension (work sync, policy audit) may use of the live stream. */
export interface SessionLink {
  /** Sends a message to the hub; dropped once the stream has ended. */
  send(msg: OutgoingAgentMessage): void;
  /** Aborted when the stream ends. */
  readonly signal: AbortSignal;
  /** The hub's current sync interval (from the latest Welcome). */
  readonly syncIntervalMs: number;
}

/** Handles one hub Command by name; answers, if any, go back through link.send (e.g. a Report). */
export type CommandHandler = (command: Command, link: SessionLink) => void | Promise<void>;

/**
 * Receives the hub's Work (src/agent/work/). It owns ordering: updates arrive in stream order
 * and must be applied one at a time.
 */
export interface WorkReceiver {
  /** The last revision applied and acknowledged, sent in Hello so the hub resumes there (0: none). */
  ackedRevision(): number;
  /** The stream was welcomed (again: approval or a new interval); not called while pending approval. */
  welcomed?(link: SessionLink): void;
  update(update: WorkUpdate, link: SessionLink): void;
  /** The stream ended; stop using the link. */
  ended?(): void;
}

export type SessionEnd =
  /** The hub unjoined this cluster. */
  | { kind: "goodbye"; reason: string }
  /** The agent is stopping. */
  | { kind: "stopped" }
  /** The hub refuses the credential: retrying cannot help. */
  | { kind: "rejected"; code: status; message: string }
  /** The stream broke (hub restart, network): reconnect. healthyMs: how long it had been welcomed. */
  | { kind: "lost"; message: string; healthyMs: number };

export interface SessionOptions {
  client: HubClient;
  credential: string;
  clusterName: string;
  collect: Collector;
  /** Absent: diagnose commands are answered with an error report. */
  diagnose?: Diagnoser;
  /** Further hub commands by name ("diagnose" is handled above). */
  commands?: Record<string, CommandHandler>;
  /** Absent: Work updates are ignored. */
  work?: WorkReceiver;
  log: Logger;
  signal: AbortSignal;
}

const FATAL = new Set<status>([status.UNAUTHENTICATED, status.PERMISSION_DENIED]);

export function runSession(opts: SessionOptions): Promise<SessionEnd> {
  const { log, signal } = opts;
  return new Promise<SessionEnd>((resolve) => {
    const call: ConnectStream = opts.client.connect(opts.credential);
    let welcome: Welcome | undefined;
    let welcomedAt = 0;
    let timer: NodeJS.Timeout | undefined;
    let beating = false;
    let ended = false;
    const collecting = new AbortController();
    const collect = safeCollector(opts.collect, log);

    const finish = (end: SessionEnd) => {
      if (ended) return;
      ended = true;
      clearTimeout(timer);
      collecting.abort();
      opts.work?.ended?.();
      signal.removeEventListener("abort", onAbort);
      call.cancel();
      resolve(end);
    };
    const onAbort = () => finish({ kind: "stopped" });
    const link: SessionLink = {
      send: (msg) => {
        if (!ended) call.write(msg);
      },
      signal: collecting.signal,
      get syncIntervalMs() {
        return welcome?.sync_interval_ms ?? 30_000;
      },
    };
    signal.addEventListener("abort", onAbort, { once: true });

    const beat = async () => {
      timer = undefined;
      if (ended || !welcome || welcome.pending_approval || beating) return;
      beating = true;
      const started = Date.now();
      const observed = await collect(collecting.signal);
      beating = false;
      if (ended || !welcome || welcome.pending_approval) return;
      call.write({
        heartbeat: { status_json: JSON.stringify(observed), observed_at: new Date().toISOString() },
      });
      schedule(Math.max(0, welcome.sync_interval_ms - (Date.now() - started)));
    };
    const schedule = (ms: number) => {
      clearTimeout(timer);
      timer = setTimeout(() => void beat(), ms);
    };

    call.on("data", (msg: HubMessage) => {
      if (msg.body === "welcome") {
        const first = welcome === undefined;
        welcome = msg.welcome;
        if (first) welcomedAt = Date.now();
        log[first ? "info" : "debug"](
          { syncIntervalMs: welcome.sync_interval_ms, pendingApproval: welcome.pending_approval },
          first ? "connected to the hub" : "new welcome from the hub",
        );
        if (welcome.pending_approval) log.info("waiting for the hub to approve this cluster");
        // A changed interval or a fresh approval takes effect now rather than after the old interval.
        if (!beating) schedule(0);
        if (!welcome.pending_approval) opts.work?.welcomed?.(link);
      } else if (msg.body === "goodbye") {
        finish({ kind: "goodbye", reason: msg.goodbye.reason });
      } else if (msg.body === "command" && msg.command.name === "diagnose") {
        void runDiagnose(opts, msg.command.id, msg.command.params_json, collecting.signal).then((report) => {
          if (!ended)
            call.write({ report: { kind: "DiagnosticReport", object_json: JSON.stringify(report) } });
        });
      } else if (msg.body === "command" && opts.commands?.[msg.command.name]) {
        const handler = opts.commands[msg.command.name]!;
        void Promise.resolve()
          .then(() => handler(msg.command, link))
          .catch((e: unknown) =>
            log.warn({ command: msg.command.name, err: (e as Error).message }, "hub command failed"),
          );
      } else if (msg.body === "work" && opts.work && welcome && !welcome.pending_approval) {
        opts.work.update(msg.work, link);
      } else {
        // An agent that does not know a message (an older agent, a newer hub) ignores it.
        log.debug({ message: msg.body }, "hub message ignored");
      }
    });
    call.on("error", (e: Error) => {
      const code = grpcCode(e);
      const message = (e as { details?: string }).details || e.message;
      if (code !== undefined && FATAL.has(code)) finish({ kind: "rejected", code, message });
      else finish({ kind: "lost", message, healthyMs: welcomedAt ? Date.now() - welcomedAt : 0 });
    });
    call.on("end", () =>
      finish({
        kind: "lost",
        message: "the hub closed the stream",
        healthyMs: welcomedAt ? Date.now() - welcomedAt : 0,
      }),
    );
    call.write({
      hello: {
        cluster_name: opts.clusterName,
        agent_version: MCP_VERSION,
        acked_revision: opts.work?.ackedRevision() ?? 0,
      },
    });
  });
}

/**
 * Collects, turning a failure (the member's apiserver unreachable, a rejected credential) into the
 * heartbeat that reports it: the hub marks the cluster Reachable=False instead of hearing nothing.
 * Logged when the outcome changes, not on every beat.
 */
function safeCollector(collect: Collector, log: Logger): (signal: AbortSignal) => Promise<object> {
  let failing = false;
  return async (signal) => {
    try {
      const observed = await collect(signal);
      if (failing) log.info("the member cluster answers again");
      failing = false;
      return observed;
    } catch (e) {
      const report = unreachableReport(e);
      if (!failing)
        log.warn({ err: report.unreachable.message }, "cannot collect the member cluster's status");
      failing = true;
      return report;
    }
  };
}

/** A diagnose command's report; a failure becomes a report carrying the error, so the hub hears back. */
async function runDiagnose(
  opts: SessionOptions,
  scanId: string,
  paramsJson: string,
  signal: AbortSignal,
): Promise<object> {
  const failed = (error: string) => ({
    apiVersion: "mcp.platform/v1",
    kind: "DiagnosticReport",
    metadata: { name: opts.clusterName, labels: { "mcp.platform/scan": scanId } },
    spec: { cluster: opts.clusterName },
    status: { scannedAt: new Date().toISOString(), error },
  });
  if (!opts.diagnose) return failed("this agent cannot run diagnostics");
  opts.log.info({ scan: scanId }, "running a diagnostic scan");
  try {
    const params = JSON.parse(paramsJson || "{}") as unknown;
    return await opts.diagnose(
      scanId,
      typeof params === "object" && params !== null ? (params as Record<string, unknown>) : {},
      signal,
    );
  } catch (e) {
    opts.log.warn({ scan: scanId, err: (e as Error).message }, "diagnostic scan failed");
    return failed(`scan failed: ${(e as Error).message}`);
  }
}
