// The member's API for generic objects, through @kubernetes/client-node's KubernetesObjectApi:
// its discovery (kind → plural, namespaced or not, cached per apiVersion) and its request chain
// (kubeconfig authentication, middleware, fetch), but with bodies sent and received as plain JSON.
// KubernetesObjectApi's own serializer maps built-in kinds through the generated models, which
// drops fields the models do not know (newer API fields) and renames some
// (`x-kubernetes-preserve-unknown-fields` in a CRD schema is read from `x_kubernetes_…`): a
// propagated manifest must reach the apiserver exactly as the hub rendered it.
//
// All requests of one MemberObjectApi share one connection pool kept across calls
// (src/kube/member-connections.ts): its own, or the member's pool the caller shares with other
// users (the hub's push syncer, poller and audits). Each request has a deadline; close() releases
// the sockets of a pool it made, never of a shared one.
import type { KubeConfig, KubernetesObject } from "@kubernetes/client-node";
import { KubernetesObjectApi } from "@kubernetes/client-node/dist/object.js";
import { classifyFailure, describeFailure } from "../agent/status/member-api.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import {
  ApiException,
  createConfiguration,
  HttpMethod,
  type RequestContext,
  type ResponseContext,
  type SecurityAuthentication,
  ServerConfiguration,
} from "../kube/client-node-gen.ts";
import { MemberConnections } from "../kube/member-connections.ts";
import { FIELD_MANAGER, type ManifestId } from "../propagation/identity.ts";

const APPLY = "application/apply-patch+yaml";
export const MERGE_PATCH = "application/merge-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

/** The member does not serve this apiVersion/kind (yet): a CRD missing or not established. */
export class UnknownKindError extends Error {
  constructor(id: ManifestId) {
    // Groups without a dot are Kubernetes' own; *.k8s.io ones may be either (Gateway API is CRDs).
    const group = id.apiVersion.includes("/") ? id.apiVersion.slice(0, id.apiVersion.indexOf("/")) : "";
    const hint = !group.includes(".")
      ? "not served by this Kubernetes version"
      : group.endsWith(".k8s.io")
        ? "not served by this Kubernetes version, or its CustomResourceDefinition is not installed"
        : "is its CustomResourceDefinition installed?";
    super(`the member serves no kind ${id.kind} in ${id.apiVersion} (${hint})`);
    this.name = "UnknownKindError";
  }
}

/** One entry of a Status' details.causes. */
export interface StatusCause {
  reason?: string;
  message?: string;
  field?: string;
}

/** An HTTP error from the member's apiserver, with its Status reason, message and causes. */
export class MemberApiError extends Error {
  readonly code: number;
  readonly reason: string;
  /**
   * The fields a 422 names, or for a 409 of server-side apply the field managers that own the
   * fields MCP would change (reason FieldManagerConflict, field the path).
   */
  readonly causes: StatusCause[];
  constructor(code: number, reason: string, message: string, causes: StatusCause[] = []) {
    super(message);
    this.name = "MemberApiError";
    this.code = code;
    this.reason = reason;
    this.causes = causes;
  }
}

/**
 * The wait before repeating a request that got HTTP `code` (Retry-After header as sent) on
 * attempt `attempt` (0 first); undefined: do not repeat it (src/member-apply/retry.ts).
 */
export type RetryPolicy = (
  code: number,
  retryAfter: string | undefined,
  attempt: number,
) => number | undefined;

export interface MemberObjectApiOptions {
  /** Deadline of each request (of each attempt, when it is repeated). */
  timeoutMs: number;
  /** Which failed requests are repeated, after how long. Default: none. */
  retry?: RetryPolicy;
  /** The member's pool, shared with others (its owner closes it). Default: a pool of its own. */
  connections?: MemberConnections;
}

export interface ApplyOptions {
  /**
   * Take over fields other field managers own (server-side apply's force): only for an object
   * that is MCP's, or that MCP adopts (conflictResolution Overwrite). Otherwise the member
   * answers 409 naming the managers whose fields MCP would change.
   */
  force: boolean;
  signal?: AbortSignal;
}

/** The Warning headers of the response an object came in (unknown fields dropped, deprecations). */
const responseWarnings = new WeakMap<object, string[]>();

export function warningsOf(obj: object): string[] {
  return responseWarnings.get(obj) ?? [];
}

interface Call {
  method: HttpMethod;
  path: string;
  query?: Record<string, string>;
  contentType?: string;
  body?: unknown;
  signal?: AbortSignal;
}

export class MemberObjectApi extends KubernetesObjectApi {
  /** The apiserver URL (for messages). */
  readonly server: string;
  private readonly timeoutMs: number;
  private readonly pool: MemberConnections;
  private readonly ownsPool: boolean;

  static create(kc: KubeConfig, opts: MemberObjectApiOptions): MemberObjectApi {
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) throw new Error("the kubeconfig has no current cluster with a server URL");
    const pool = opts.connections ?? new MemberConnections(kc);
    const auth: SecurityAuthentication = {
      getName: () => "kubeconfig with a shared connection pool",
      async applySecurityAuthentication(ctx: RequestContext) {
        await kc.applySecurityAuthentication(ctx);
        await pool.use(ctx);
      },
    };
    const server = cluster.server.replace(/\/+$/, "");
    const config = createConfiguration({
      baseServer: new ServerConfiguration(server, {}),
      authMethods: { default: auth },
    });
    // Not the kubeconfig's namespace: in a Pod that is the agent's own (mcp-system). A manifest the
    // hub sends without a namespace for a kind the member serves namespaced goes to "default",
    // wherever the applier runs.
    return new MemberObjectApi(config, server, opts, pool);
  }

  private readonly retry?: RetryPolicy;

  private constructor(
    config: ReturnType<typeof createConfiguration>,
    server: string,
    opts: MemberObjectApiOptions,
    pool: MemberConnections,
  ) {
    super(config);
    this.server = server;
    this.timeoutMs = opts.timeoutMs;
    this.retry = opts.retry;
    this.pool = pool;
    this.ownsPool = opts.connections === undefined;
  }

  /** The live object, or undefined when it does not exist. */
  async get(id: ManifestId, signal?: AbortSignal): Promise<KubeObject | undefined> {
    const path = await this.pathOf(id);
    try {
      return await this.call<KubeObject>({ method: HttpMethod.GET, path, signal });
    } catch (e) {
      if (e instanceof MemberApiError && e.code === 404) return undefined;
      throw e;
    }
  }

  /**
   * Server-side apply under MCP's field manager (PATCH, application/apply-patch+yaml; JSON is
   * YAML), taking over others' fields only with `force`. Warnings the member sent with the object
   * are in warningsOf(the result).
   */
  async apply(obj: KubeObject, opts: ApplyOptions): Promise<KubeObject> {
    const path = await this.pathOf(obj);
    // A cluster-scoped object has no namespace: one in the manifest is dropped, not sent.
    let body = obj;
    if (obj.metadata.namespace && !(await this.resource(obj.apiVersion, obj.kind))?.namespaced) {
      body = { ...obj, metadata: { ...obj.metadata } };
      delete body.metadata.namespace;
    }
    try {
      return await this.call<KubeObject>({
        method: HttpMethod.PATCH,
        path,
        query: { fieldManager: FIELD_MANAGER, ...(opts.force ? { force: "true" } : {}) },
        contentType: APPLY,
        body,
        signal: opts.signal,
      });
    } catch (e) {
      // Apply creates what is missing, so a 404 means the namespace is missing or the resource is
      // not served: a CRD deleted (or re-created with another scope or plural) since discovery
      // was cached. Discovery is read afresh to tell which.
      if (e instanceof MemberApiError && e.code === 404 && !(await this.servedAfresh(obj))) {
        throw new UnknownKindError({
          apiVersion: obj.apiVersion,
          kind: obj.kind,
          name: obj.metadata.name ?? "",
        });
      }
      throw e;
    }
  }

  /** Whether the member serves the kind, asked again rather than from the cached discovery. */
  private async servedAfresh(id: ManifestId | KubeObject): Promise<boolean> {
    delete this.apiVersionResourceCache[id.apiVersion];
    try {
      await this.pathOf(id);
      return true;
    } catch (e) {
      return !(e instanceof UnknownKindError);
    }
  }

  /** A merge (or strategic merge) patch; fieldManager names the writer in managedFields. */
  async patchObject(
    id: ManifestId,
    patch: unknown,
    opts: { contentType?: string; fieldManager?: string; signal?: AbortSignal } = {},
  ): Promise<KubeObject> {
    return this.call<KubeObject>({
      method: HttpMethod.PATCH,
      path: await this.pathOf(id),
      query: opts.fieldManager ? { fieldManager: opts.fieldManager } : {},
      contentType: opts.contentType ?? MERGE_PATCH,
      body: patch,
      signal: opts.signal,
    });
  }

  /**
   * Deletes in the background (the garbage collector removes dependents, e.g. a Deployment's
   * ReplicaSets), only the object with this uid when one is given (not one re-created since it
   * was read). False when it was already gone.
   */
  async deleteObject(id: ManifestId, opts: { uid?: string; signal?: AbortSignal } = {}): Promise<boolean> {
    try {
      await this.call({
        method: HttpMethod.DELETE,
        path: await this.pathOf(id),
        contentType: "application/json",
        body: {
          apiVersion: "v1",
          kind: "DeleteOptions",
          propagationPolicy: "Background",
          ...(opts.uid ? { preconditions: { uid: opts.uid } } : {}),
        },
        signal: opts.signal,
      });
      return true;
    } catch (e) {
      if (e instanceof MemberApiError && e.code === 404) return false;
      throw e;
    }
  }

  /** Closes the connections of its own pool (a shared one is its owner's to close). */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.close();
  }

  /** The object's URL path, from discovery (which KubernetesObjectApi caches per apiVersion). */
  private async pathOf(id: ManifestId | KubeObject): Promise<string> {
    const m = "metadata" in id ? id.metadata : id;
    const spec: KubernetesObject = {
      apiVersion: id.apiVersion,
      kind: id.kind,
      metadata: { name: m.name, ...(m.namespace ? { namespace: m.namespace } : {}) },
    };
    try {
      return await this.specUriPath(spec, "read");
    } catch (e) {
      // Discovery: an unknown group/version is a 404 of /apis/<gv>; an unknown kind in a known
      // one is "Unrecognized API version and kind".
      const notServed =
        (e instanceof ApiException && e.code === 404) ||
        (e instanceof Error && /Unrecognized API version and kind|HTTP-Code: 404/.test(e.message));
      if (notServed)
        throw new UnknownKindError({ apiVersion: id.apiVersion, kind: id.kind, name: m.name ?? "" });
      throw toMemberError(e);
    }
  }

  private async call<T>(c: Call): Promise<T> {
    const ctx = this.configuration.baseServer.makeRequestContext(c.path, c.method);
    ctx.setHeaderParam("Accept", "application/json");
    for (const [k, v] of Object.entries(c.query ?? {})) ctx.setQueryParam(k, v);
    if (c.signal) ctx.setSignal(c.signal);
    if (c.body !== undefined) {
      ctx.setHeaderParam("Content-Type", c.contentType ?? "application/json");
      ctx.setBody(JSON.stringify(c.body));
    }
    try {
      return await this.requestPromise<KubernetesObject>(ctx).then((o) => o as T);
    } catch (e) {
      throw toMemberError(e);
    }
  }

  // The request chain calls this after authentication; the deadline is set here so that it
  // starts when the request does, not when it was queued. Every request (discovery too) passes
  // here, so this is where a 429 or a 5xx the retry policy names is repeated.
  protected override async requestPromise<T extends KubernetesObject>(
    ctx: RequestContext,
    type?: string,
  ): Promise<T> {
    const outer = ctx.getSignal();
    for (let attempt = 0; ; attempt++) {
      const deadline = AbortSignal.timeout(this.timeoutMs);
      ctx.setSignal(outer ? AbortSignal.any([outer, deadline]) : deadline);
      try {
        return await super.requestPromise<T>(ctx, type);
      } catch (e) {
        const wait =
          e instanceof ApiException && !outer?.aborted
            ? this.retry?.(e.code, headerOf(e.headers, "retry-after"), attempt)
            : undefined;
        if (wait !== undefined) {
          await pause(wait, outer);
          continue;
        }
        // A timeout is a DOMException, whose message discovery cannot prefix (it throws a
        // TypeError instead): hand on a plain Error of the same name.
        if (e instanceof DOMException)
          throw Object.assign(new Error(e.message, { cause: e }), { name: e.name });
        throw e;
      }
    }
  }

  /** Plain JSON in, plain JSON out (see the header). Discovery reads the same fields. */
  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
  ): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299) {
      const obj = (text ? JSON.parse(text) : {}) as T;
      const warnings = parseWarnings(headerOf(response.headers, "warning"));
      if (warnings.length && typeof obj === "object" && obj) responseWarnings.set(obj, warnings);
      return obj;
    }
    throw new ApiException(response.httpStatusCode, "Unsuccessful HTTP Request", text, response.headers);
  }
}

/**
 * The member did not answer (refused, reset, timed out, certificate not verified): further
 * requests in the same run would fail the same way.
 */
export function isUnreachable(e: unknown): boolean {
  return !(e instanceof MemberApiError) && !(e instanceof UnknownKindError);
}

/** One line for a status: the apiserver's own message, or why the member could not be reached. */
export function failureMessage(api: MemberObjectApi, e: unknown): string {
  return isUnreachable(e) ? describeFailure(api.server, classifyFailure(e)) : (e as Error).message;
}

function headerOf(headers: Record<string, string> | undefined, name: string): string | undefined {
  if (!headers) return undefined;
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

/**
 * The texts of Warning headers (`299 - "text"`, RFC 7234; several come joined by ", "), as
 * kube-apiserver sends them for dropped unknown fields and deprecated APIs.
 */
export function parseWarnings(header: string | undefined): string[] {
  if (!header) return [];
  const out: string[] = [];
  for (const m of header.matchAll(/\d{3} \S+ "((?:[^"\\]|\\.)*)"/g)) out.push(m[1].replace(/\\(.)/g, "$1"));
  return out;
}

/** Waits `ms`; rejects with the signal's reason once it aborts. */
function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const done = () => {
      signal?.removeEventListener("abort", aborted);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const aborted = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/** An ApiException becomes a MemberApiError carrying the apiserver's own Status message and causes. */
function toMemberError(e: unknown): unknown {
  if (!(e instanceof ApiException)) return e;
  let status: { reason?: unknown; message?: unknown; details?: { causes?: unknown } } = {};
  try {
    status = JSON.parse(String(e.body)) as typeof status;
  } catch {
    // not a Status: keep the text
  }
  const message =
    typeof status.message === "string" && status.message
      ? status.message
      : `HTTP ${e.code}${e.body ? `: ${String(e.body).slice(0, 300)}` : ""}`;
  const causes = Array.isArray(status.details?.causes)
    ? (status.details.causes as unknown[]).filter(
        (c): c is StatusCause => typeof c === "object" && c !== null && !Array.isArray(c),
      )
    : [];
  return new MemberApiError(e.code, typeof status.reason === "string" ? status.reason : "", message, causes);
}
