// The agent's gRPC client for the hub's AgentService, over TLS verified with the hub's CA. A
// fresh channel is made for each connection attempt: grpc-js channels keep their own reconnect
// backoff (up to two minutes), which would otherwise stack on the agent's and delay the return
// after a hub restart.
import * as grpc from "@grpc/grpc-js";
import {
  AgentServiceClient,
  type HubMessage,
  type OutgoingAgentMessage,
  type RegisterRequest,
  type RegisterResponse,
} from "../apis/agent/v1/protocol.ts";

export type ConnectStream = grpc.ClientDuplexStream<OutgoingAgentMessage, HubMessage>;

interface AgentServiceStub extends grpc.Client {
  Register(
    req: RegisterRequest,
    md: grpc.Metadata,
    opts: grpc.CallOptions,
    cb: (err: grpc.ServiceError | null, res?: RegisterResponse) => void,
  ): grpc.ClientUnaryCall;
  Connect(md: grpc.Metadata): ConnectStream;
}

const CHANNEL_OPTIONS: grpc.ChannelOptions = {
  // Notices a dead path to the hub (NAT timeout, crashed host) within 40 s even when idle.
  "grpc.keepalive_time_ms": 30_000,
  "grpc.keepalive_timeout_ms": 10_000,
  "grpc.keepalive_permit_without_calls": 1,
  "grpc.initial_reconnect_backoff_ms": 500,
  "grpc.max_reconnect_backoff_ms": 5_000,
};

/** A gRPC status error, as the agent decides on it (retry, or give up). */
export function grpcCode(e: unknown): grpc.status | undefined {
  const code = (e as { code?: unknown } | undefined)?.code;
  return typeof code === "number" ? code : undefined;
}

export class HubClient {
  private readonly stub: AgentServiceStub;

  constructor(target: string, caPem: Buffer) {
    const Ctor = AgentServiceClient as unknown as new (
      address: string,
      creds: grpc.ChannelCredentials,
      options: grpc.ChannelOptions,
    ) => AgentServiceStub;
    this.stub = new Ctor(target, grpc.credentials.createSsl(caPem), CHANNEL_OPTIONS);
  }

  register(bootstrapToken: string, req: RegisterRequest, timeoutMs: number): Promise<RegisterResponse> {
    return new Promise((resolve, reject) => {
      this.stub.Register(req, bearer(bootstrapToken), { deadline: Date.now() + timeoutMs }, (err, res) => {
        if (err) reject(err);
        else resolve(res!);
      });
    });
  }

  connect(credential: string): ConnectStream {
    return this.stub.Connect(bearer(credential));
  }

  close(): void {
    this.stub.close();
  }
}

function bearer(token: string): grpc.Metadata {
  const md = new grpc.Metadata();
  md.set("authorization", `Bearer ${token}`);
  return md;
}
