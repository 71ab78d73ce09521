// The hub's current ClusterPolicies, compiled (once per generation) and indexed by kind for
// admission, with their sources for distribution to agents. A stored policy that no longer
// compiles (written by an older hub, say) is left out and logged rather than blocking writes.
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { CompiledPolicy, PolicyCompiler } from "../../policy/compile.ts";
import { type PolicySource, policySource } from "../../policy/policy-set.ts";
import { RuleIndex } from "../../policy/rule-index.ts";
import type { KindCache } from "./kind-cache.ts";

export interface CurrentPolicies {
  index: RuleIndex;
  compiled: readonly CompiledPolicy[];
  sources: ReadonlyMap<string, PolicySource>;
}

export class PolicyRegistry {
  private current: CurrentPolicies = { index: new RuleIndex([]), compiled: [], sources: new Map() };
  private readonly listeners: (() => void)[] = [];
  private readonly cache: KindCache;
  private readonly compiler: PolicyCompiler;
  private readonly log: Logger;
  private dirty = true;

  constructor(cache: KindCache, compiler: PolicyCompiler, log: Logger) {
    this.cache = cache;
    this.compiler = compiler;
    this.log = log;
    cache.onChange((o, deleted) => {
      if (deleted) compiler.forget(o.metadata.uid ?? "");
      this.dirty = true;
      for (const l of this.listeners) l();
    });
  }

  /** The policies now (recompiled lazily after a change). */
  get(): CurrentPolicies {
    if (!this.dirty) return this.current;
    this.dirty = false;
    const compiled: CompiledPolicy[] = [];
    const sources = new Map<string, PolicySource>();
    for (const obj of this.cache.all()) {
      const p = this.compile(obj);
      if (!p) continue;
      compiled.push(p);
      sources.set(p.name, policySource(obj));
    }
    this.current = { index: new RuleIndex(compiled), compiled, sources };
    return this.current;
  }

  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  private compile(obj: KubeObject): CompiledPolicy | undefined {
    if (obj.metadata.deletionTimestamp) return undefined;
    const r = this.compiler.compile(obj);
    if (r.policy) return r.policy;
    this.log.warn(
      { policy: obj.metadata.name, problems: r.causes.map((c) => `${c.field}: ${c.message}`) },
      "stored ClusterPolicy does not compile; it is not enforced",
    );
    return undefined;
  }
}
