// The hub's agent endpoint: a gRPC server (TLS with the hub's serving certificate, so agents
// verify it with the hub CA) serving AgentService — Register with a bootstrap token, Connect with
// the cluster credential. startAgentEndpoint() binds it and returns where it listens.
import * as grpc from "@grpc/grpc-js";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import {
  type AgentMessage,
  agentServiceDefinition,
  type OutgoingHubMessage,
  type RegisterRequest,
  type RegisterResponse,
} from "../../apis/agent/v1/protocol.ts";
import type { CertKeyPair } from "../../apiserver/auth/pki.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import type { Store } from "../../storage/store.ts";
import { watchClustersForSessions } from "./cluster-watch.ts";
import { type AgentStreamExtension, type HeartbeatSink, handleConnect } from "./connect.ts";
import { bearerFrom, toGrpcStatus } from "./grpc-status.ts";
import { agentEndpointMetrics } from "./metrics.ts";
import { register } from "./register.ts";
import { AgentSessions } from "./sessions.ts";

export interface AgentEndpointOptions {
  host: string;
  /** 0 picks a free port. */
  port: number;
  serving: CertKeyPair;
  store: Store;
  client: InternalClient;
  log: Logger;
  /** The hub's one Registry (the API server's). */
  metricsRegistry: Registry;
  /** Registered clusters wait for `mcpctl cluster approve` (spec.hubAcceptsClient) before they count. */
  requireApproval: boolean;
  heartbeats: HeartbeatSink;
  /** Default 30 s. */
  helloTimeoutMs?: number;
}

export interface AgentEndpoint {
  host: string;
  port: number;
  /** https://HOST:PORT, what `mcp-agent --hub` takes. */
  url: string;
  sessions: AgentSessions;
  /** Features riding on the agent streams (work sync, policy audit) attach here. */
  extend(extension: AgentStreamExtension): void;
  close(): Promise<void>;
}

// Pings find agents whose connection died without a FIN (NAT timeouts, pulled cables) long before
// TCP would; agents ping too, so the server must tolerate their pings on an idle stream.
const SERVER_CHANNEL_OPTIONS: grpc.ServerOptions = {
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 1,
  "grpc.http2.min_ping_interval_without_data_ms": 5_000,
  "grpc.max_receive_message_length": 4 * 1024 * 1024,
};

export async function startAgentEndpoint(opts: AgentEndpointOptions): Promise<AgentEndpoint> {
  const log = opts.log;
  const metrics = agentEndpointMetrics(opts.metricsRegistry);
  const sessions = new AgentSessions(metrics);
  const extensions: AgentStreamExtension[] = [];
  const deps = {
    ...opts,
    log,
    metrics,
    sessions,
    extensions,
    helloTimeoutMs: opts.helloTimeoutMs ?? 30_000,
  };
  const server = new grpc.Server(SERVER_CHANNEL_OPTIONS);
  server.addService(agentServiceDefinition, {
    Register(
      call: grpc.ServerUnaryCall<RegisterRequest, RegisterResponse>,
      callback: grpc.sendUnaryData<RegisterResponse>,
    ) {
      register(deps, bearerFrom(call.metadata), call.request).then(
        (res) => callback(null, res),
        (e: unknown) => {
          const s = toGrpcStatus(e);
          if (s.code === grpc.status.INTERNAL) log.error({ err: e }, "register failed");
          else
            log.warn(
              { cluster: call.request.cluster_name, code: s.code, reason: s.details },
              "register refused",
            );
          callback(s);
        },
      );
    },
    Connect(call: grpc.ServerDuplexStream<AgentMessage, OutgoingHubMessage>) {
      handleConnect(deps, call);
    },
  });
  const credentials = grpc.ServerCredentials.createSsl(
    null,
    [{ cert_chain: Buffer.from(opts.serving.certPem), private_key: Buffer.from(opts.serving.keyPem) }],
    false,
  );
  const port = await bind(server, opts.host, opts.port, credentials);
  const watcher = watchClustersForSessions(opts.client, sessions, log, extensions);
  await watcher.synced;
  const host = opts.host === "0.0.0.0" || opts.host === "::" ? "127.0.0.1" : opts.host;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url }, "agent endpoint serving");
  return {
    host: opts.host,
    port,
    url,
    sessions,
    extend(extension) {
      extensions.push(extension);
      // Streams already open hear of the feature as if they had just connected.
      for (const s of sessions.all()) if (s.hello && s.accepted) extension.connected?.(s, s.hello);
    },
    async close() {
      await watcher.stop();
      sessions.endAll("the hub is shutting down");
      // Streams were just ended; anything still open after a moment is cut.
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => server.forceShutdown(), 1_000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}

function bind(
  server: grpc.Server,
  host: string,
  port: number,
  creds: grpc.ServerCredentials,
): Promise<number> {
  const address = `${host.includes(":") ? `[${host}]` : host}:${port}`;
  return new Promise((resolve, reject) => {
    server.bindAsync(address, creds, (err, bound) => {
      if (err) reject(new Error(`agent endpoint cannot listen on ${address}: ${err.message}`));
      else resolve(bound);
    });
  });
}
