// The agent's half of the member audit: the hub's "policies" command carries the ClusterPolicies
// this cluster audits; the auditor compiles them (once per generation), audits the member at
// once and then every `everyIntervals` sync intervals, and sends each result to the hub as a
// Report{PolicyReport}. A new set while an audit runs starts another right after it (never two
// at once); the stream ending stops the schedule until the next stream's command. The CEL
// compiler is loaded with the first set that has a policy: most of an agent's life may pass
// without one, and the hub sends a set (often empty) on every connect.
import type { Logger } from "pino";
import type { Command } from "../../apis/agent/v1/protocol.ts";
import type { CompiledPolicy, PolicyCompiler } from "../../policy/compile.ts";
import { type PolicySet, parsePolicySet, policyObject } from "../../policy/policy-set.ts";
import type { PolicyReportStatus } from "../../policy/policy-types.ts";
import { policyReportObject } from "../../policy/report.ts";
import type { SessionLink } from "../session.ts";

/** Audits the member against the policies; a member that cannot be read yields status.error. */
export type MemberAudit = (
  policies: CompiledPolicy[],
  clusterLabels: Record<string, string>,
  signal: AbortSignal,
) => Promise<PolicyReportStatus>;

export interface PolicyAuditorOptions {
  clusterName: string;
  audit: MemberAudit;
  log: Logger;
  /** Re-audit every this many sync intervals. Default 10. */
  everyIntervals?: number;
}

interface Current {
  revision: string;
  policies: CompiledPolicy[];
  labels: Record<string, string>;
  link: SessionLink;
}

export class PolicyAuditor {
  private readonly opts: PolicyAuditorOptions;
  private compiler: PolicyCompiler | undefined;
  /** While the compiler loads, later sets wait behind the first, in arrival order. */
  private loading: Promise<void> | undefined;
  private current: Current | undefined;
  private running = false;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly watched = new WeakSet<SessionLink>();

  constructor(opts: PolicyAuditorOptions) {
    this.opts = opts;
  }

  /** The CommandHandler for "policies"; a returned promise resolves once the set is in force. */
  readonly handle = (command: Command, link: SessionLink): void | Promise<void> => {
    const set = parsePolicySet(command.params_json);
    if (set instanceof Error) {
      this.opts.log.warn({ err: set.message }, "ignoring a malformed policy set from the hub");
      return;
    }
    if (!this.loading && (this.compiler || set.policies.length === 0)) return this.take(set, link);
    const next = (this.loading ?? Promise.resolve())
      .then(async () => {
        if (set.policies.length > 0 && !this.compiler) {
          const { PolicyCompiler } = await import("../../policy/compile.ts");
          this.compiler ??= new PolicyCompiler();
        }
        this.take(set, link);
      })
      .catch((e: unknown) =>
        this.opts.log.warn({ err: (e as Error).message }, "cannot load the policy compiler; set ignored"),
      );
    this.loading = next;
    void next.finally(() => {
      if (this.loading === next) this.loading = undefined;
    });
    return next;
  };

  private take(set: PolicySet, link: SessionLink): void {
    const policies = this.compiler ? this.compile(set, this.compiler) : [];
    this.opts.log.info({ revision: set.revision, policies: policies.length }, "policy set received");
    this.current = { revision: set.revision, policies, labels: set.clusterLabels, link };
    if (!this.watched.has(link)) {
      this.watched.add(link);
      link.signal.addEventListener("abort", () => this.ended(link), { once: true });
    }
    this.request();
  }

  private compile(set: PolicySet, compiler: PolicyCompiler): CompiledPolicy[] {
    const policies: CompiledPolicy[] = [];
    for (const source of set.policies) {
      const r = compiler.compile(policyObject(source));
      if (r.policy) policies.push(r.policy);
      else
        this.opts.log.warn(
          { policy: source.name, causes: r.causes },
          "a policy from the hub does not compile here",
        );
    }
    return policies;
  }

  /** The revision of the set in force ("" before the first). */
  get revision(): string {
    return this.current?.revision ?? "";
  }

  private ended(link: SessionLink): void {
    if (this.current?.link !== link) return;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private request(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    void this.run();
  }

  private async run(): Promise<void> {
    const c = this.current;
    if (!c || c.link.signal.aborted) return;
    this.running = true;
    clearTimeout(this.timer);
    try {
      const status = await this.opts.audit(c.policies, c.labels, c.link.signal);
      const report = policyReportObject(this.opts.clusterName, status);
      c.link.send({ report: { kind: "PolicyReport", object_json: JSON.stringify(report) } });
      this.opts.log.debug({ summary: status.summary, error: status.error }, "policy audit reported");
    } catch (e) {
      if (!c.link.signal.aborted) this.opts.log.warn({ err: (e as Error).message }, "policy audit failed");
    } finally {
      this.running = false;
    }
    if (this.again) {
      this.again = false;
      return this.run();
    }
    const latest = this.current;
    if (latest && !latest.link.signal.aborted) {
      this.timer = setTimeout(
        () => this.request(),
        latest.link.syncIntervalMs * (this.opts.everyIntervals ?? 10),
      );
      this.timer.unref();
    }
  }
}
