// Compiled rules filed by the kind or resource they name, so that a write looks at the few rules
// that can apply to its kind instead of every rule of every policy. Built once per policy change.
import type { CompiledPolicy, CompiledRule } from "./compile.ts";
import { indexKeys, lookupKeys, type MatchTarget, matches } from "./match.ts";

export class RuleIndex {
  readonly policies: readonly CompiledPolicy[];
  private readonly byKey = new Map<string, CompiledRule[]>();
  private readonly order = new Map<CompiledRule, number>();

  constructor(policies: readonly CompiledPolicy[]) {
    this.policies = [...policies].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    let n = 0;
    for (const p of this.policies)
      for (const r of p.rules) {
        this.order.set(r, n++);
        for (const key of indexKeys(r.match)) {
          const list = this.byKey.get(key) ?? [];
          list.push(r);
          this.byKey.set(key, list);
        }
      }
  }

  get ruleCount(): number {
    return this.order.size;
  }

  /** Rules that may apply to the kind/resource, in policy-name then rule order. */
  candidates(t: Pick<MatchTarget, "kind" | "resource">): CompiledRule[] {
    const found = new Set<CompiledRule>();
    for (const key of lookupKeys(t)) for (const r of this.byKey.get(key) ?? []) found.add(r);
    if (found.size <= 1) return [...found];
    return [...found].sort((a, b) => this.order.get(a)! - this.order.get(b)!);
  }

  /** Rules that apply to the target. */
  matching(t: MatchTarget): CompiledRule[] {
    return this.candidates(t).filter((r) => matches(r.match, t));
  }
}
