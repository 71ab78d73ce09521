// What every resource handler receives: the parsed request, the resolved resource type, the
// user, the negotiated response format, and the server's shared dependencies.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { AdmissionChain } from "../admission/chain.ts";
import type { UserInfo } from "../auth/types.ts";
import type { Negotiated } from "../http/negotiate.ts";
import type { RequestInfo } from "../http/request-info.ts";
import type { ApiMetrics } from "../metrics.ts";
import type { ObjectStore } from "../registry/object-store.ts";
import type { ResourceRegistry } from "../resources/registry.ts";
import type { ResourceType } from "../resources/resource-type.ts";

export interface ServerDeps {
  objects: ObjectStore;
  registry: ResourceRegistry;
  admission: AdmissionChain;
  log: Logger;
  metrics: ApiMetrics;
  maxBodyBytes: number;
  /** How often watches get a BOOKMARK when they asked for them. */
  bookmarkIntervalMs: number;
  /** Ends every open watch when the server shuts down. */
  shutdown: AbortSignal;
}

export interface RequestContext {
  req: IncomingMessage;
  res: ServerResponse;
  info: RequestInfo;
  query: URLSearchParams;
  rt: ResourceType;
  user: UserInfo;
  neg: Negotiated;
  /** Warnings gathered on the way (admission, unknown fields); sent as Warning headers. */
  warnings: string[];
  /** Admission's audit annotations, written into the request's audit log record. */
  auditAnnotations?: Record<string, string>;
  deps: ServerDeps;
}

export function dryRun(ctx: RequestContext): boolean {
  const v = ctx.query.getAll("dryRun");
  return v.includes("All");
}

/** The field manager of a non-apply write: the query parameter, else the user agent's product name. */
export function fieldManager(ctx: RequestContext): string {
  const explicit = ctx.query.get("fieldManager");
  if (explicit) return explicit.slice(0, 128);
  const ua = ctx.req.headers["user-agent"] ?? "unknown";
  return ua.split("/")[0].slice(0, 128) || "unknown";
}
