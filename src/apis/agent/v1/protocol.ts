// Loads agent.proto at run time (no generated code) and gives its messages TypeScript shapes.
// Hub (src/hub/agent-endpoint/) and agent (src/agent/) both import from here.
import * as grpc from "@grpc/grpc-js";
import * as protoLoader from "@grpc/proto-loader";

const PROTO_PATH = new URL("./agent.proto", import.meta.url).pathname;

/** keepCase: field names stay snake_case as in the .proto; int64 as Number (revisions < 2^53). */
const packageDefinition = protoLoader.loadSync(PROTO_PATH, {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: true,
  oneofs: true,
});

interface AgentPackage {
  mcp: { agent: { v1: { AgentService: grpc.ServiceClientConstructor } } };
}

export const AgentServiceClient = (grpc.loadPackageDefinition(packageDefinition) as unknown as AgentPackage)
  .mcp.agent.v1.AgentService;
export const agentServiceDefinition: grpc.ServiceDefinition = AgentServiceClient.service;

export interface RegisterRequest {
  cluster_name: string;
  labels: Record<string, string>;
  kubernetes_version: string;
  agent_version: string;
}

export interface RegisterResponse {
  credential: string;
  accepted: boolean;
  message: string;
}

export interface Hello {
  cluster_name: string;
  agent_version: string;
  acked_revision: number;
}

export interface Heartbeat {
  status_json: string;
  observed_at: string;
}

export interface WorkAck {
  revision: number;
  manifest_statuses_json: string;
  error: string;
}

export interface Report {
  kind: string;
  object_json: string;
}

/** With `oneofs: true`, `body` names the field that is set. */
export type AgentMessage =
  | { body: "hello"; hello: Hello }
  | { body: "heartbeat"; heartbeat: Heartbeat }
  | { body: "work_ack"; work_ack: WorkAck }
  | { body: "report"; report: Report };

export interface Welcome {
  sync_interval_ms: number;
  pending_approval: boolean;
}

export interface WorkUpdate {
  revision: number;
  manifests_json: string;
  deletions_json: string;
  full: boolean;
}

export interface Command {
  name: string;
  params_json: string;
  id: string;
}

export interface Goodbye {
  reason: string;
}

export type HubMessage =
  | { body: "welcome"; welcome: Welcome }
  | { body: "work"; work: WorkUpdate }
  | { body: "command"; command: Command }
  | { body: "goodbye"; goodbye: Goodbye };

/** Sending side: exactly one oneof member set (the loader infers `body`). */
export type OutgoingAgentMessage =
  | { hello: Hello }
  | { heartbeat: Heartbeat }
  | { work_ack: WorkAck }
  | { report: Report };
export type OutgoingHubMessage =
  | { welcome: Welcome }
  | { work: WorkUpdate }
  | { command: Command }
  | { goodbye: Goodbye };
