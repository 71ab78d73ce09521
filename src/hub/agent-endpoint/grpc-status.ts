// gRPC status plumbing for the agent endpoint: errors that carry a status code to the agent, the
// bearer credential of a call's metadata, and the mapping from API errors to gRPC codes. Only
// AgentCallError messages reach the agent; anything else becomes a bare INTERNAL so that no stack
// trace or store detail crosses the boundary.
import { type Metadata, status } from "@grpc/grpc-js";
import { ApiError, type StatusReason } from "../../apiserver/errors.ts";

export class AgentCallError extends Error {
  readonly code: status;

  constructor(code: status, message: string) {
    super(message);
    this.name = "AgentCallError";
    this.code = code;
  }
}

const byReason: Partial<Record<StatusReason, status>> = {
  BadRequest: status.INVALID_ARGUMENT,
  Invalid: status.INVALID_ARGUMENT,
  Unauthorized: status.UNAUTHENTICATED,
  Forbidden: status.PERMISSION_DENIED,
  NotFound: status.NOT_FOUND,
  AlreadyExists: status.ALREADY_EXISTS,
  Conflict: status.ABORTED,
  TooManyRequests: status.RESOURCE_EXHAUSTED,
  ServiceUnavailable: status.UNAVAILABLE,
  Timeout: status.DEADLINE_EXCEEDED,
};

/** The {code, details} grpc-js sends as the call's status. */
export function toGrpcStatus(e: unknown): { code: status; details: string } {
  if (e instanceof AgentCallError) return { code: e.code, details: e.message };
  // An Invalid ApiError's message already lists its field causes.
  if (e instanceof ApiError) return { code: byReason[e.reason] ?? status.INTERNAL, details: e.message };
  return { code: status.INTERNAL, details: "internal error on the hub" };
}

/** The token of "authorization: Bearer <token>", or undefined. */
export function bearerFrom(metadata: Metadata): string | undefined {
  const value = metadata.get("authorization")[0];
  if (typeof value !== "string") return undefined;
  const m = /^\s*bearer\s+(\S+)\s*$/i.exec(value);
  return m?.[1];
}
