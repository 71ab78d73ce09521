// The reusable Kubernetes-style API server: authentication, authorization, discovery, OpenAPI,
// and the resource verbs over a Store. The hub and every simulated cluster are instances of it;
// they differ in the kinds they register, their admission plugins and their extra handlers.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TLSSocket } from "node:tls";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { Store } from "../storage/store.ts";
import { AdmissionChain } from "./admission/chain.ts";
import type { AuditLog } from "./audit.ts";
import { verifiedPeerCertificate } from "./auth/authn.ts";
import { forbiddenMessage } from "./auth/rbac.ts";
import type { Authenticator, Authorizer, UserInfo } from "./auth/types.ts";
import {
  apiGroupDoc,
  apiGroupList,
  apiResourceList,
  apiVersions,
  versionInfo,
} from "./discovery/discovery.ts";
import { openApiDocument, openApiIndex, openApiV2 } from "./discovery/openapi.ts";
import { ApiError, asApiError, errors } from "./errors.ts";
import type { RequestContext, ServerDeps } from "./handlers/context.ts";
import { selfSubjectAccessReview, selfSubjectReview } from "./handlers/reviews.ts";
import { routeResource } from "./handlers/route.ts";
import { DEFAULT_MAX_BODY_BYTES } from "./http/body.ts";
import { negotiate } from "./http/negotiate.ts";
import { parseRequestInfo, type RequestInfo } from "./http/request-info.ts";
import { writeBody, writeError } from "./http/respond.ts";
import { apiMetrics } from "./metrics.ts";
import { instrumentStore } from "./registry/instrumented-store.ts";
import { ObjectStore } from "./registry/object-store.ts";
import type { ResourceRegistry } from "./resources/registry.ts";

/** Handles a subresource the generic machinery does not (e.g. serviceaccounts/token). */
export type SubresourceHandler = (ctx: RequestContext) => Promise<void>;

export interface ApiServerOptions {
  store: Store;
  registry: ResourceRegistry;
  authenticator: Authenticator;
  authorizer: Authorizer;
  log: Logger;
  metricsRegistry: Registry;
  /** Reported by /version, e.g. "v1.30.2". */
  kubernetesVersion: string;
  admission?: AdmissionChain;
  audit?: AuditLog;
  /** Default 3 MiB, as kube-apiserver. */
  maxBodyBytes?: number;
  /** Default 10 s. */
  bookmarkIntervalMs?: number;
  /** Keyed "<plural>/<subresource>", e.g. "serviceaccounts/token". */
  subresources?: Record<string, SubresourceHandler>;
  /** Kinds whose requests a custom handler serves instead of storage, keyed "<group>/<plural>". */
  handlers?: Record<string, SubresourceHandler>;
  /** Readiness beyond "the store answers" (e.g. the hub's caches have synced). */
  ready?: () => boolean;
}

const ANONYMOUS_PATHS = new Set(["/healthz", "/readyz", "/livez", "/metrics"]);
const anonymous: UserInfo = { name: "system:anonymous", groups: ["system:unauthenticated"] };

export class ApiServer {
  readonly deps: ServerDeps;
  readonly registry: ResourceRegistry;
  private readonly opts: ApiServerOptions;
  private readonly shutdownController = new AbortController();
  private openApiCache?: { version: number; index: unknown };
  /** Kinds every Kubernetes API server answers without storing them. */
  private readonly reviews: Record<string, SubresourceHandler>;

  constructor(opts: ApiServerOptions) {
    this.opts = opts;
    this.registry = opts.registry;
    this.reviews = {
      "authorization.k8s.io/selfsubjectaccessreviews": selfSubjectAccessReview(opts.authorizer),
      "authentication.k8s.io/selfsubjectreviews": selfSubjectReview,
    };
    const metrics = apiMetrics(opts.metricsRegistry);
    this.deps = {
      objects: new ObjectStore(instrumentStore(opts.store, metrics.storageDuration)),
      registry: opts.registry,
      admission: opts.admission ?? new AdmissionChain(opts.log),
      log: opts.log,
      metrics,
      maxBodyBytes: opts.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
      bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 10_000,
      shutdown: this.shutdownController.signal,
    };
  }

  /** Ends open watches so that a graceful shutdown does not wait for them. */
  shutdown(): void {
    this.shutdownController.abort();
  }

  /** The request listener for node:http / node:https servers. */
  handle = (req: IncomingMessage, res: ServerResponse): void => {
    // Nothing may escape a request: an unhandled rejection would take the whole server down.
    this.serve(req, res).catch((e) => {
      this.opts.log.error({ err: e }, "request bookkeeping failed");
      if (!res.headersSent) writeError(res, asApiError(e));
      else res.destroy();
    });
  };

  private async serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    // Read now: once the response is sent the socket may already be gone.
    const sourceIP = req.socket?.remoteAddress;
    const url = new URL(req.url ?? "/", "http://local");
    const info = parseRequestInfo(req.method ?? "GET", url.pathname, url.searchParams);
    const auditAnnotations: Record<string, string> = {};
    let user: UserInfo = anonymous;
    try {
      if (ANONYMOUS_PATHS.has(url.pathname) && (req.method === "GET" || req.method === "HEAD")) {
        await this.serveOperational(url.pathname, res);
        return;
      }
      const authed = await this.opts.authenticator.authenticate({
        headers: req.headers,
        peerCertificate: peerCertificate(req),
      });
      if (!authed) throw errors.unauthorized();
      user = authed;
      await this.authorize(user, info);
      await this.dispatch(req, res, url, info, user, auditAnnotations);
    } catch (e) {
      const err = asApiError(e);
      if (!(e instanceof ApiError)) this.opts.log.error({ err: e, path: url.pathname }, "request failed");
      writeError(res, err);
    } finally {
      const latency = performance.now() - started;
      const resource = info.resourceRequest ? info.resource : "";
      if (info.verb !== "watch")
        this.deps.metrics.requestDuration.observe(
          { verb: info.verb, resource, code: String(res.statusCode) },
          latency / 1000,
        );
      this.opts.audit?.record({
        time: new Date().toISOString(),
        user: user.name,
        groups: user.groups,
        verb: info.verb,
        resource: info.resourceRequest
          ? [info.group || "core", info.resource, info.subresource].filter(Boolean).join("/")
          : url.pathname,
        ...(info.namespace ? { namespace: info.namespace } : {}),
        ...(info.name ? { name: info.name } : {}),
        code: res.statusCode,
        latencyMs: Math.round(latency * 100) / 100,
        sourceIP,
        userAgent: req.headers["user-agent"],
        ...(Object.keys(auditAnnotations).length > 0 ? { annotations: auditAnnotations } : {}),
      });
    }
  }

  private async authorize(user: UserInfo, info: RequestInfo): Promise<void> {
    const attrs = info.resourceRequest
      ? {
          user,
          verb: info.verb,
          resourceRequest: true,
          apiGroup: info.group,
          resource: info.resource,
          subresource: info.subresource || undefined,
          namespace: info.namespace || undefined,
          name: info.name || undefined,
        }
      : { user, verb: info.verb, resourceRequest: false, path: info.path };
    const d = await this.opts.authorizer.authorize(attrs);
    if (d.allowed) return;
    const message = forbiddenMessage(attrs);
    if (!info.resourceRequest) throw new ApiError("Forbidden", `forbidden: ${message}`);
    throw errors.forbidden(
      { group: info.group, resource: info.resource, name: info.name || undefined },
      message,
    );
  }

  private async serveOperational(path: string, res: ServerResponse): Promise<void> {
    if (path === "/metrics") {
      const body = await this.opts.metricsRegistry.metrics();
      res.writeHead(200, { "content-type": this.opts.metricsRegistry.contentType });
      res.end(body);
      return;
    }
    let ok = true;
    if (path === "/readyz") {
      try {
        await this.opts.store.currentRevision();
        ok = this.opts.ready?.() ?? true;
      } catch {
        ok = false;
      }
    }
    res.writeHead(ok ? 200 : 503, { "content-type": "text/plain" });
    res.end(ok ? "ok" : "not ready");
  }

  private async dispatch(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    info: RequestInfo,
    user: UserInfo,
    auditAnnotations: Record<string, string>,
  ) {
    if (!info.resourceRequest) {
      if (req.method !== "GET" && req.method !== "HEAD")
        throw errors.methodNotAllowed(`${req.method} is not allowed on ${url.pathname}`);
      if (url.pathname === "/openapi/v2" && /protobuf/.test(req.headers.accept ?? "")) {
        // We do not speak the protobuf form of Swagger 2.0; an empty message is a valid, empty
        // document, which makes kubectl leave validation to the server (fieldValidation, v3).
        res.writeHead(200, {
          "content-type": "application/com.github.proto-openapi.spec.v2.v1.0+protobuf",
          "content-length": "0",
        });
        res.end();
        return;
      }
      const doc = this.nonResourceDocument(url.pathname, info, req.headers.host ?? "");
      if (doc === undefined)
        throw new ApiError("NotFound", `the server could not find the requested resource (${url.pathname})`);
      writeBody(res, 200, doc);
      return;
    }
    const rt = this.registry.lookup(info.group, info.version, info.resource);
    if (!rt)
      throw new ApiError(
        "NotFound",
        `the server could not find the requested resource (${req.method} ${url.pathname})`,
      );
    if (
      rt.namespaced &&
      !info.namespace &&
      !["list", "watch", "deletecollection"].includes(info.verb) &&
      info.resource !== "namespaces"
    )
      throw new ApiError(
        "NotFound",
        `the server could not find the requested resource: ${rt.plural} is namespaced`,
      );
    if (!rt.namespaced && info.namespace && info.resource !== "namespaces")
      throw new ApiError(
        "NotFound",
        `the server could not find the requested resource: ${rt.plural} is not namespaced`,
      );
    const neg = negotiate(req.headers.accept, !info.subresource);
    const ctx: RequestContext = {
      req,
      res,
      info,
      query: url.searchParams,
      rt,
      user,
      neg,
      warnings: [],
      auditAnnotations,
      deps: this.deps,
    };
    const extra = info.subresource
      ? this.opts.subresources?.[`${rt.plural}/${info.subresource}`]
      : (this.opts.handlers?.[`${rt.group}/${rt.plural}`] ?? this.reviews[`${rt.group}/${rt.plural}`]);
    if (extra) return extra(ctx);
    return routeResource(ctx);
  }

  private nonResourceDocument(path: string, info: RequestInfo, host: string): unknown {
    const p = path.replace(/\/+$/, "") || "/";
    if (p === "/version") return versionInfo(this.opts.kubernetesVersion);
    if (p === "/api") return apiVersions(host);
    if (p === "/apis") return apiGroupList(this.registry);
    if (p === "/openapi/v3") return this.openApiIndexCached();
    if (p === "/openapi/v2") return openApiV2(this.registry);
    if (p.startsWith("/openapi/v3/")) {
      const parts = p.slice("/openapi/v3/".length).split("/");
      if (parts[0] === "api" && parts.length === 2) return openApiDocument(this.registry, "", parts[1]);
      if (parts[0] === "apis" && parts.length === 3)
        return openApiDocument(this.registry, parts[1], parts[2]);
      return undefined;
    }
    if (info.apiPrefix === "api" && info.parts.length === 1)
      return apiResourceList(this.registry, "", info.parts[0]);
    if (info.apiPrefix === "apis" && info.parts.length === 1)
      return apiGroupDoc(this.registry, info.parts[0]);
    if (info.apiPrefix === "apis" && info.parts.length === 2)
      return apiResourceList(this.registry, info.parts[0], info.parts[1]);
    return undefined;
  }

  private openApiIndexCached(): unknown {
    if (this.openApiCache?.version !== this.registry.version)
      this.openApiCache = { version: this.registry.version, index: openApiIndex(this.registry) };
    return this.openApiCache.index;
  }
}

// A connection's certificate cannot change, and reading it is costly: read it once per socket.
const certificates = new WeakMap<object, ReturnType<typeof verifiedPeerCertificate>>();

/** Plain-HTTP sockets (tests, the simulator behind TLS termination) carry no certificate. */
function peerCertificate(req: IncomingMessage) {
  const sock = req.socket as TLSSocket;
  if (typeof sock.getPeerCertificate !== "function") return undefined;
  if (!certificates.has(sock)) certificates.set(sock, verifiedPeerCertificate(sock));
  return certificates.get(sock);
}
