// The member's API for generic objects, through @kubernetes/client-node's KubernetesObjectApi:
// its discovery (kind → plural, namespaced or not, cached per apiVersion) and its request chain
// (kubeconfig authentication, middleware, fetch), but with bodies sent and received as plain JSON.
// KubernetesObjectApi's own serializer maps built-in kinds through the generated models, which
// drops fields the models do not know (newer API fields) and renames some
// (`x-kubernetes-preserve-unknown-fields` in a CRD schema is read from `x_kubernetes_…`): a
// propagated manifest must reach the apiserver exactly as the hub rendered it.
//
// All requests of one MemberObjectApi share one connection pool kept across calls
// (src/kube/member-connections.ts), each has a deadline, and close() releases the sockets.
import {
  ApiException,
  createConfiguration,
  HttpMethod,
  type KubeConfig,
  type KubernetesObject,
  KubernetesObjectApi,
  type RequestContext,
  type ResponseContext,
  type SecurityAuthentication,
  ServerConfiguration,
} from "@kubernetes/client-node";
import { classifyFailure, describeFailure } from "../agent/status/member-api.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import { MemberConnections } from "../kube/member-connections.ts";
import { FIELD_MANAGER, type ManifestId } from "../propagation/identity.ts";

const APPLY = "application/apply-patch+yaml";
export const MERGE_PATCH = "application/merge-patch+json";
export const STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

/** The member does not serve this apiVersion/kind (yet): a CRD missing or not established. */
export class UnknownKindError extends Error {
  constructor(id: ManifestId) {
    super(
      `the member serves no kind ${id.kind} in ${id.apiVersion}` +
        (id.apiVersion.includes("/") ? " (is its CustomResourceDefinition installed?)" : ""),
    );
    this.name = "UnknownKindError";
  }
}

/** An HTTP error from the member's apiserver, with its Status reason and message. */
export class MemberApiError extends Error {
  readonly code: number;
  readonly reason: string;
  constructor(code: number, reason: string, message: string) {
    super(message);
    this.name = "MemberApiError";
    this.code = code;
    this.reason = reason;
  }
}

export interface MemberObjectApiOptions {
  /** Deadline of each request. */
  timeoutMs: number;
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

  static create(kc: KubeConfig, opts: MemberObjectApiOptions): MemberObjectApi {
    const cluster = kc.getCurrentCluster();
    if (!cluster?.server) throw new Error("the kubeconfig has no current cluster with a server URL");
    const pool = new MemberConnections(kc);
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
    const api = new MemberObjectApi(config, server, opts.timeoutMs, pool);
    api.setDefaultNamespace(kc);
    return api;
  }

  private constructor(
    config: ReturnType<typeof createConfiguration>,
    server: string,
    timeoutMs: number,
    pool: MemberConnections,
  ) {
    super(config);
    this.server = server;
    this.timeoutMs = timeoutMs;
    this.pool = pool;
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

  /** Server-side apply under MCP's field manager, forcing ownership of every field it sends. */
  async apply(obj: KubeObject, signal?: AbortSignal): Promise<KubeObject> {
    const path = await this.pathOf(obj);
    // A cluster-scoped object has no namespace: one in the manifest is dropped, not sent.
    let body = obj;
    if (obj.metadata.namespace && !(await this.resource(obj.apiVersion, obj.kind))?.namespaced) {
      body = { ...obj, metadata: { ...obj.metadata } };
      delete body.metadata.namespace;
    }
    return this.call<KubeObject>({
      method: HttpMethod.PATCH,
      path,
      query: { fieldManager: FIELD_MANAGER, force: "true" },
      contentType: APPLY,
      body,
      signal,
    });
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

  /** Closes the shared connections. */
  async close(): Promise<void> {
    await this.pool.close();
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
  // starts when the request does, not when it was queued.
  protected override async requestPromise<T extends KubernetesObject>(
    ctx: RequestContext,
    type?: string,
  ): Promise<T> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const outer = ctx.getSignal();
    ctx.setSignal(outer ? AbortSignal.any([outer, deadline]) : deadline);
    try {
      return await super.requestPromise<T>(ctx, type);
    } catch (e) {
      // A timeout is a DOMException, whose message discovery cannot prefix (it throws a TypeError
      // instead): hand on a plain Error of the same name.
      if (e instanceof DOMException)
        throw Object.assign(new Error(e.message, { cause: e }), { name: e.name });
      throw e;
    }
  }

  /** Plain JSON in, plain JSON out (see the header). Discovery reads the same fields. */
  protected override async processResponse<T extends KubernetesObject>(
    response: ResponseContext,
  ): Promise<T> {
    const text = await response.body.text();
    if (response.httpStatusCode >= 200 && response.httpStatusCode <= 299)
      return (text ? JSON.parse(text) : {}) as T;
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

/** An ApiException becomes a MemberApiError carrying the apiserver's own Status message. */
function toMemberError(e: unknown): unknown {
  if (!(e instanceof ApiException)) return e;
  let status: { reason?: unknown; message?: unknown } = {};
  try {
    status = JSON.parse(String(e.body)) as typeof status;
  } catch {
    // not a Status: keep the text
  }
  const message =
    typeof status.message === "string" && status.message
      ? status.message
      : `HTTP ${e.code}${e.body ? `: ${String(e.body).slice(0, 300)}` : ""}`;
  return new MemberApiError(e.code, typeof status.reason === "string" ? status.reason : "", message);
}
