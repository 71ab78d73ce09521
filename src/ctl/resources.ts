// Discovery-based resource resolution: what the user types (plural, singular, kind, short name,
// `plural.group`, `plural.version.group`, any case) or what a manifest names (apiVersion + kind)
// becomes a group/version/plural and its scope, from /api/v1 and /apis/<group>/<version>.
// Discovery documents are fetched lazily and cached for the invocation.
import { CtlError } from "./errors.ts";

export interface ApiResource {
  group: string;
  version: string;
  /** The plural, as it appears in URLs. */
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  categories: string[];
}

interface RawResource {
  name: string;
  singularName?: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  verbs?: string[];
  categories?: string[];
}

interface RawGroupList {
  groups?: { name: string; versions: { version: string }[]; preferredVersion?: { version: string } }[];
}

/** Fetches one discovery document by path; resolves undefined when the server has no such path. */
export type DiscoveryFetch = (path: string) => Promise<unknown | undefined>;

export const groupVersionOf = (r: { group: string; version: string }): string =>
  r.group ? `${r.group}/${r.version}` : r.version;

/** `deployments.apps`, `configmaps`: how errors and api-resources name a resource. */
export const qualifiedPlural = (r: ApiResource): string => (r.group ? `${r.name}.${r.group}` : r.name);

/** `deployment.apps/web`, `configmap/web-config`: kubectl's `-o name` form. */
export const objectRef = (r: { kind: string; group: string }, name: string): string =>
  `${r.kind.toLowerCase()}${r.group ? `.${r.group}` : ""}/${name}`;

/** The URL path of a collection (no name) or an object, namespaced when the resource is. */
export function resourcePath(
  r: ApiResource,
  namespace?: string,
  name?: string,
  subresource?: string,
): string {
  const base = r.group ? `/apis/${r.group}/${r.version}` : `/api/${r.version}`;
  const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  const tail = name ? `/${encodeURIComponent(name)}${subresource ? `/${subresource}` : ""}` : "";
  return `${base}${ns}/${r.name}${tail}`;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}

/** The top-level resources of one APIResourceList (subresources such as `clusters/status` left out). */
export function parseResourceList(doc: unknown, group: string, version: string): ApiResource[] {
  const list = (doc as { resources?: RawResource[] } | undefined)?.resources ?? [];
  return list
    .filter((r) => !r.name.includes("/"))
    .map((r) => ({
      group,
      version,
      name: r.name,
      singularName: r.singularName || r.kind.toLowerCase(),
      kind: r.kind,
      namespaced: r.namespaced,
      shortNames: r.shortNames ?? [],
      verbs: r.verbs ?? [],
      categories: r.categories ?? [],
    }));
}

/**
 * The resource a user-typed name means, or undefined. Names match, in this order of preference,
 * as a plural, a singular, a short name, then a kind; the first group in discovery order wins a
 * tie (the core group comes first), as kubectl's RESTMapper does.
 */
export function resolveResource(resources: ApiResource[], typed: string): ApiResource | undefined {
  const text = typed.trim().toLowerCase();
  if (!text) return undefined;
  const candidates: { word: string; group?: string; version?: string }[] = [{ word: text }];
  const parts = text.split(".");
  if (parts.length >= 2) {
    // `deployments.apps`, `clusters.mcp.platform`, `deployments.v1.apps`.
    candidates.unshift({ word: parts[0], group: parts.slice(1).join(".") });
    if (parts.length >= 3 && /^v\d/.test(parts[1])) {
      candidates.unshift({ word: parts[0], version: parts[1], group: parts.slice(2).join(".") });
    }
  }
  const fields: ((r: ApiResource) => string[])[] = [
    (r) => [r.name],
    (r) => [r.singularName],
    (r) => r.shortNames.map((s) => s.toLowerCase()),
    (r) => [r.kind.toLowerCase()],
  ];
  for (const c of candidates) {
    const scoped = resources.filter(
      (r) =>
        (c.group === undefined || r.group === c.group) &&
        (c.version === undefined || r.version === c.version),
    );
    for (const field of fields) {
      const hit = scoped.find((r) => field(r).includes(c.word));
      if (hit) return hit;
    }
  }
  return undefined;
}

/** Discovery for one invocation: each document is fetched at most once unless refreshed. */
export class Discovery {
  private readonly fetch: DiscoveryFetch;
  private readonly docs = new Map<string, Promise<unknown | undefined>>();

  constructor(fetch: DiscoveryFetch) {
    this.fetch = fetch;
  }

  private doc(path: string): Promise<unknown | undefined> {
    let p = this.docs.get(path);
    if (!p) {
      p = this.fetch(path);
      this.docs.set(path, p);
      // A failed fetch must not be cached as the answer for the rest of the invocation.
      p.catch(() => this.docs.delete(path));
    }
    return p;
  }

  /** Forgets every cached document, e.g. after a CustomResourceDefinition was applied. */
  refresh(): void {
    this.docs.clear();
  }

  /** Every resource at each group's preferred version, core group first. */
  async all(): Promise<ApiResource[]> {
    const [core, groups] = await Promise.all([this.doc("/api/v1"), this.doc("/apis")]);
    const versions = ((groups as RawGroupList | undefined)?.groups ?? []).map((g) => ({
      group: g.name,
      version: g.preferredVersion?.version ?? g.versions[0]?.version,
    }));
    const lists = await Promise.all(
      versions.map(async (gv) =>
        parseResourceList(await this.doc(`/apis/${gv.group}/${gv.version}`), gv.group, gv.version),
      ),
    );
    return [...parseResourceList(core, "", "v1"), ...lists.flat()];
  }

  /** The resource for what the user typed; an unknown name is a one-line error, as kubectl words it. */
  async resolve(typed: string): Promise<ApiResource> {
    const hit = resolveResource(await this.all(), typed);
    if (!hit) throw new CtlError(`the server doesn't have a resource type "${typed}"`);
    return hit;
  }

  /** The resource serving a manifest's apiVersion and kind, or undefined when the hub serves none. */
  async forKind(apiVersion: string, kind: string): Promise<ApiResource | undefined> {
    const { group, version } = splitApiVersion(apiVersion);
    const path = group ? `/apis/${group}/${version}` : `/api/${version}`;
    return parseResourceList(await this.doc(path), group, version).find((r) => r.kind === kind);
  }
}
