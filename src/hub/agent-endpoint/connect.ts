// Connect: one agent's long-lived stream. The cluster credential (bearer metadata) names the
// cluster; the agent's Hello must name the same one, so one cluster's credential can neither send
// heartbeats nor receive work for another. Heartbeats are processed one at a time (the stream is
// paused meanwhile, which pushes back on a flooding agent) and recorded only while the hub accepts
// the cluster.
import { status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { asUnreachableReport } from "../../agent/heartbeat.ts";
import type { ObservedClusterStatus } from "../../agent/status/collect.ts";
import type { AgentMessage, Heartbeat, Hello, Report, WorkAck } from "../../apis/agent/v1/protocol.ts";
import { parseReportPayload } from "../../apis/agent/v1/report-payload.ts";
import { lookupToken, type TokenRecord } from "../../apiserver/auth/tokens.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { parseAgentReport, SCAN_LABEL } from "../../diag/fleet/report.ts";
import type { Store } from "../../storage/store.ts";
import { observedFromJson } from "../clusters/observed.ts";
import { storeReport } from "../diag/reports.ts";
import { CLUSTER_AGENT_PURPOSE, clusterRef, clusterUserName, welcomeFor } from "./cluster-ref.ts";
import { AgentCallError, bearerFrom, toGrpcStatus } from "./grpc-status.ts";
import type { AgentEndpointMetrics } from "./metrics.ts";
import { type AgentCall, AgentSession, type AgentSessions } from "./sessions.ts";

/**
 * Where heartbeats go: the cluster status writers of src/hub/clusters/status.ts in the hub,
 * recorders in tests (so the endpoint can be exercised alone).
 */
export interface HeartbeatSink {
  recordHeartbeat(
    client: InternalClient,
    clusterName: string,
    observed: ObservedClusterStatus,
    now: Date,
  ): Promise<void>;
  /** The agent is alive but cannot read its member cluster. */
  recordUnreachable(client: InternalClient, clusterName: string, message: string, now: Date): Promise<void>;
}

/**
 * A feature riding on the agent stream (work sync, policy distribution and audit): told when an
 * accepted cluster's stream opens and closes, and handed the messages it owns. Handlers run one
 * message at a time per stream (the stream is paused meanwhile).
 */
export interface AgentStreamExtension {
  /**
   * An accepted cluster's stream is ready: at open, or when a waiting cluster is approved (so
   * it may be called twice for one stream; session.hello.acked_revision is what the agent had).
   */
  connected?(session: AgentSession, hello: Hello): void;
  disconnected?(session: AgentSession): void;
  workAck?(session: AgentSession, ack: WorkAck): Promise<void>;
  /** Reports by kind (e.g. "PolicyReport"). */
  reports?: Record<string, (session: AgentSession, report: Report) => Promise<void>>;
}

export interface ConnectDeps {
  store: Store;
  client: InternalClient;
  sessions: AgentSessions;
  metrics: AgentEndpointMetrics;
  log: Logger;
  heartbeats: HeartbeatSink;
  /** How long an agent may take to send Hello. */
  helloTimeoutMs: number;
  /** Read at each event, so features can attach after the endpoint has started. */
  extensions: AgentStreamExtension[];
}

const UNKNOWN_CREDENTIAL = "unknown or revoked cluster credential";

export function handleConnect(deps: ConnectDeps, call: AgentCall): void {
  const token = bearerFrom(call.metadata);
  const fail = (e: unknown) => {
    const s = toGrpcStatus(e);
    if (s.code === status.INTERNAL) deps.log.error({ err: e }, "agent stream failed");
    if (!call.cancelled && !call.writableEnded) call.emit("error", s);
  };
  const timer = setTimeout(
    () => fail(new AgentCallError(status.DEADLINE_EXCEEDED, "no Hello within the time allowed")),
    deps.helloTimeoutMs,
  );
  call.once("data", (msg: AgentMessage) => {
    clearTimeout(timer);
    call.pause();
    open(deps, call, token, msg).catch(fail);
  });
  call.once("close", () => clearTimeout(timer));
  // A client that goes away surfaces as an error on the call; there is nobody left to tell.
  call.on("error", () => clearTimeout(timer));
}

async function open(deps: ConnectDeps, call: AgentCall, token: string | undefined, first: AgentMessage) {
  const record = token ? await lookupToken(deps.store, token) : undefined;
  if (!record || record.purpose !== CLUSTER_AGENT_PURPOSE)
    throw new AgentCallError(status.UNAUTHENTICATED, UNKNOWN_CREDENTIAL);
  if (first.body !== "hello")
    throw new AgentCallError(status.INVALID_ARGUMENT, "the first message on a stream must be Hello");
  const hello: Hello = first.hello;
  if (record.user.name !== clusterUserName(hello.cluster_name))
    throw new AgentCallError(
      status.PERMISSION_DENIED,
      `this credential belongs to ${record.user.name}, which cannot act for cluster "${hello.cluster_name}"`,
    );
  const cluster = await deps.client.get(clusterRef(hello.cluster_name));
  if (!cluster) throw new AgentCallError(status.UNAUTHENTICATED, UNKNOWN_CREDENTIAL);
  const log = deps.log.child({ cluster: hello.cluster_name });
  const session = new AgentSession(hello.cluster_name, call, welcomeFor(cluster), log);
  session.hello = hello;
  if (call.cancelled) return;
  deps.sessions.add(session);
  const closed = () => {
    if (deps.sessions.get(session.clusterName) === session) log.info("agent disconnected");
    deps.sessions.remove(session);
    for (const x of deps.extensions) x.disconnected?.(session);
    // A scan this stream was running will not be answered: say so rather than leave it waiting.
    for (const [scanId, params] of session.pendingScans)
      void storeReport(deps.client, session.clusterName, scanId, params, {
        scannedAt: new Date().toISOString(),
        error: "agent disconnected before reporting",
      }).catch((err) => log.warn({ err: String(err), scan: scanId }, "storing a report failed"));
    session.pendingScans.clear();
  };
  call.once("close", closed);
  call.once("cancelled", closed);
  call.on("end", () => call.end());
  log.info(
    { peer: call.getPeer(), agentVersion: hello.agent_version, pending: !session.accepted },
    "agent connected",
  );
  if (cluster.metadata.deletionTimestamp) {
    session.goodbye(`cluster "${hello.cluster_name}" is being unjoined`);
    return;
  }
  session.sendWelcome(session.welcome);
  if (session.accepted) for (const x of deps.extensions) x.connected?.(session, hello);
  call.on("data", (msg: AgentMessage) => {
    call.pause();
    handleMessage(deps, session, token!, msg)
      .catch((e) => {
        log.warn({ err: String(e), message: msg.body }, "could not process an agent message");
      })
      .finally(() => call.resume());
  });
  call.resume();
}

async function handleMessage(deps: ConnectDeps, session: AgentSession, token: string, msg: AgentMessage) {
  switch (msg.body) {
    case "heartbeat":
      return heartbeat(deps, session, token, msg.heartbeat);
    case "hello":
      throw new Error("Hello sent twice on one stream");
    case "report": {
      if (msg.report.kind === "DiagnosticReport") return diagnosticReport(deps, session, msg.report);
      if (!session.accepted) return;
      const handler = deps.extensions.find((x) => x.reports?.[msg.report.kind])?.reports?.[msg.report.kind];
      if (handler) return handler(session, msg.report);
      session.log.debug({ kind: msg.report.kind }, "report kind ignored");
      return;
    }
    case "work_ack":
      if (!session.accepted) return;
      for (const x of deps.extensions) await x.workAck?.(session, msg.work_ack);
      return;
  }
}

async function heartbeat(deps: ConnectDeps, session: AgentSession, token: string, hb: Heartbeat) {
  const started = performance.now();
  // Revocation (unjoin) normally arrives as a Cluster deletion; this catches a credential
  // revoked on its own, within the token cache's few seconds.
  const record: TokenRecord | undefined = await lookupToken(deps.store, token);
  if (!record) {
    session.goodbye("the cluster's credential was revoked");
    return;
  }
  if (!session.accepted) return;
  let raw: unknown;
  try {
    raw = JSON.parse(hb.status_json);
  } catch {
    throw new Error("heartbeat status_json is not JSON");
  }
  const unreachable = typeof raw === "object" && raw !== null ? asUnreachableReport(raw) : undefined;
  // An observed status is validated (type-checked, size-limited): an agent's report is untrusted input.
  try {
    if (unreachable)
      await deps.heartbeats.recordUnreachable(
        deps.client,
        session.clusterName,
        unreachable.message.slice(0, 1024),
        new Date(),
      );
    else
      await deps.heartbeats.recordHeartbeat(
        deps.client,
        session.clusterName,
        observedFromJson(hb.status_json),
        new Date(),
      );
  } catch (e) {
    // The Cluster vanished between the token check and the write: it was unjoined.
    if (e instanceof ApiError && e.reason === "NotFound") return session.goodbye("the cluster was unjoined");
    throw e;
  }
  deps.metrics.heartbeatDuration.observe((performance.now() - started) / 1000);
}

/**
 * A diagnose command's answer. Untrusted input: size- and shape-checked, taken only for a scan
 * this stream was asked to run, and stored under the session's own cluster name whatever the
 * payload says (one cluster cannot write another's report).
 */
async function diagnosticReport(deps: ConnectDeps, session: AgentSession, report: Report) {
  // Sized before it is parsed: the scan id is read only from a report of acceptable size.
  const raw = parseReportPayload(report.object_json);
  const scanId =
    raw instanceof Error
      ? undefined
      : (raw as { metadata?: { labels?: Record<string, unknown> } } | null)?.metadata?.labels?.[SCAN_LABEL];
  const params = typeof scanId === "string" ? session.pendingScans.get(scanId) : undefined;
  if (!params || typeof scanId !== "string") {
    session.log.warn(
      { scan: scanId },
      "diagnostic report for a scan this agent was not asked to run: dropped",
    );
    return;
  }
  session.pendingScans.delete(scanId);
  const parsed = parseAgentReport(report.object_json);
  const status =
    parsed instanceof Error
      ? { scannedAt: new Date().toISOString(), error: `invalid report from the agent: ${parsed.message}` }
      : parsed;
  await storeReport(deps.client, session.clusterName, scanId, params, status);
}
