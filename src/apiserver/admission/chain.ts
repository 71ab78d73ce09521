// The admission chain: mutating plugins run first, in order, then validating plugins. A plugin
// that throws never breaks the request path: its failurePolicy turns the error into a decision
// (Fail: deny with the error, Ignore: allow and log), as Kubernetes webhooks and Pepr do.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { UserInfo } from "../auth/types.ts";
import { ApiError, errors } from "../errors.ts";
import type { ResourceType } from "../resources/resource-type.ts";

export type Operation = "CREATE" | "UPDATE" | "DELETE";

export interface AdmissionRequest {
  operation: Operation;
  resource: ResourceType;
  subresource: string;
  namespace: string;
  name: string;
  /** The object as it would be stored (absent for DELETE). Mutating plugins may change it. */
  object?: KubeObject;
  oldObject?: KubeObject;
  user: UserInfo;
  dryRun: boolean;
  /** Where decisions' audit annotations are gathered for the request's audit record. */
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionDecision {
  allowed: boolean;
  /** Why it was denied; becomes a 403 Forbidden message. */
  message?: string;
  /** Sent back as Kubernetes Warning headers (kubectl prints them). */
  warnings?: string[];
  /** A different status code than 403 for the denial (e.g. 404 for a missing namespace). */
  error?: ApiError;
  /** Recorded in the request's audit log entry (allowed or not), as Kubernetes' auditAnnotations. */
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionPlugin {
  name: string;
  failurePolicy: "Fail" | "Ignore";
  /** Changes req.object in place. */
  mutate?(req: AdmissionRequest): Promise<void> | void;
  validate?(req: AdmissionRequest): Promise<AdmissionDecision> | AdmissionDecision;
}

export interface AdmissionLogger {
  warn(obj: object, msg: string): void;
}

export class AdmissionChain {
  private readonly plugins: AdmissionPlugin[] = [];
  private readonly log?: AdmissionLogger;

  constructor(log?: AdmissionLogger) {
    this.log = log;
  }

  use(plugin: AdmissionPlugin): this {
    this.plugins.push(plugin);
    return this;
  }

  /** Runs the chain; throws an ApiError when the request is denied, returns warnings otherwise. */
  async admit(req: AdmissionRequest): Promise<string[]> {
    const warnings: string[] = [];
    for (const p of this.plugins) {
      if (!p.mutate) continue;
      try {
        await p.mutate(req);
      } catch (e) {
        this.onPluginError(p, req, e);
      }
    }
    for (const p of this.plugins) {
      if (!p.validate) continue;
      let d: AdmissionDecision;
      try {
        d = await p.validate(req);
      } catch (e) {
        this.onPluginError(p, req, e);
        continue;
      }
      if (d.warnings) warnings.push(...d.warnings);
      if (d.auditAnnotations && req.auditAnnotations) Object.assign(req.auditAnnotations, d.auditAnnotations);
      if (!d.allowed) {
        if (d.error) throw d.error;
        throw errors.forbidden(
          { group: req.resource.group, resource: req.resource.plural, name: req.name || undefined },
          `admission plugin "${p.name}" denied the request: ${d.message ?? "denied"}`,
        );
      }
    }
    return warnings;
  }

  private onPluginError(p: AdmissionPlugin, req: AdmissionRequest, e: unknown): void {
    const where = { plugin: p.name, operation: req.operation, resource: req.resource.plural, name: req.name };
    if (e instanceof ApiError) throw e;
    const message = e instanceof Error ? e.message : String(e);
    this.log?.warn({ ...where, err: message, failurePolicy: p.failurePolicy }, "admission plugin failed");
    if (p.failurePolicy === "Ignore") return;
    throw errors.internal(`admission plugin "${p.name}" failed: ${message}`);
  }
}
