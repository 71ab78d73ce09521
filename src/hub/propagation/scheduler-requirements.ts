// Who requires what: each placed template's dependencies (ConfigMaps, Secrets, ServiceAccount,
// its Namespace) by manifestKey, and the reverse, so a dependency's binding can name its
// requirers and take the union of their clusters. Setting a template's dependencies returns the
// ones that gained or lost it as a requirer: their bindings must be decided again.

export class RequirementIndex {
  private readonly requires = new Map<string, readonly string[]>();
  private readonly requiredBy = new Map<string, Set<string>>();

  /** Replaces what `requirer` requires; returns the dependencies whose requirers changed. */
  set(requirer: string, dependencies: readonly string[]): string[] {
    const before = new Set(this.requires.get(requirer) ?? []);
    const after = new Set(dependencies);
    const changed: string[] = [];
    for (const d of before)
      if (!after.has(d)) {
        const set = this.requiredBy.get(d);
        set?.delete(requirer);
        if (set?.size === 0) this.requiredBy.delete(d);
        changed.push(d);
      }
    for (const d of after)
      if (!before.has(d)) {
        const set = this.requiredBy.get(d) ?? new Set<string>();
        set.add(requirer);
        this.requiredBy.set(d, set);
        changed.push(d);
      }
    if (after.size === 0) this.requires.delete(requirer);
    else this.requires.set(requirer, [...after]);
    return changed;
  }

  /** The templates requiring `dependency`, sorted. */
  requirersOf(dependency: string): string[] {
    return [...(this.requiredBy.get(dependency) ?? [])].sort();
  }

  dependenciesOf(requirer: string): readonly string[] {
    return this.requires.get(requirer) ?? [];
  }
}
