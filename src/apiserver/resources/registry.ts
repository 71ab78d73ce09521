// The set of resources one API server serves, looked up by URL (group, version, plural) or by
// kind. Built-in and platform kinds are fixed; CustomResourceDefinitions add and remove kinds at
// run time, and listeners (discovery, OpenAPI caches) are told when the set changes.
import type { ResourceType } from "./resource-type.ts";

export class ResourceRegistry {
  private readonly byPath = new Map<string, ResourceType>();
  private readonly byKind = new Map<string, ResourceType>();
  private readonly listeners = new Set<() => void>();
  private generation = 0;

  constructor(types: ResourceType[] = []) {
    for (const t of types) this.add(t, false);
  }

  /** Increases on every change, so caches can tell they are stale. */
  get version(): number {
    return this.generation;
  }

  add(t: ResourceType, notify = true): void {
    this.byPath.set(pathKey(t.group, t.version, t.plural), t);
    this.byKind.set(kindKey(t.group, t.version, t.kind), t);
    if (notify) this.changed();
  }

  remove(group: string, version: string, plural: string): void {
    const t = this.byPath.get(pathKey(group, version, plural));
    if (!t) return;
    this.byPath.delete(pathKey(group, version, plural));
    this.byKind.delete(kindKey(group, version, t.kind));
    this.changed();
  }

  /** Resolves a URL segment: the plural, or (like kubectl) a singular name is not accepted by servers. */
  lookup(group: string, version: string, plural: string): ResourceType | undefined {
    return this.byPath.get(pathKey(group, version, plural));
  }

  byGroupVersionKind(group: string, version: string, kind: string): ResourceType | undefined {
    return this.byKind.get(kindKey(group, version, kind));
  }

  /** Any served version of a group's kind (the first registered). */
  byGroupKind(group: string, kind: string): ResourceType | undefined {
    for (const t of this.byKind.values()) if (t.group === group && t.kind === kind) return t;
    return undefined;
  }

  /** Every served resource with this group (any version) and plural, for storage key reuse across versions. */
  all(): ResourceType[] {
    return [...this.byPath.values()];
  }

  /** group → versions, in registration order, the first being the preferred version. */
  groupVersions(): Map<string, string[]> {
    const out = new Map<string, string[]>();
    for (const t of this.byPath.values()) {
      const versions = out.get(t.group) ?? [];
      if (!versions.includes(t.version)) versions.push(t.version);
      out.set(t.group, versions);
    }
    return out;
  }

  resourcesIn(group: string, version: string): ResourceType[] {
    return this.all().filter((t) => t.group === group && t.version === version);
  }

  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.generation++;
    for (const l of this.listeners) l();
  }
}

const pathKey = (g: string, v: string, p: string) => `${g}/${v}/${p}`;
const kindKey = (g: string, v: string, k: string) => `${g}/${v}#${k}`;
