// Discovery documents (/api, /apis, /apis/<group>, per group-version resource lists) and
// /version, in the legacy (unaggregated) format every client understands.
import type { ResourceRegistry } from "../resources/registry.ts";
import { apiVersionOf, type ResourceType } from "../resources/resource-type.ts";

export interface VersionInfo {
  major: string;
  minor: string;
  gitVersion: string;
  gitCommit: string;
  gitTreeState: string;
  buildDate: string;
  goVersion: string;
  compiler: string;
  platform: string;
}

export function versionInfo(gitVersion: string): VersionInfo {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion);
  return {
    major: m?.[1] ?? "1",
    minor: m?.[2] ?? "0",
    gitVersion: gitVersion.startsWith("v") ? gitVersion : `v${gitVersion}`,
    gitCommit: "mcp",
    gitTreeState: "clean",
    buildDate: "2026-01-01T00:00:00Z",
    goVersion: `node${process.versions.node}`,
    compiler: "node",
    platform: `${process.platform}/${process.arch}`,
  };
}

export function apiVersions(hostPort: string) {
  return {
    kind: "APIVersions",
    versions: ["v1"],
    serverAddressByClientCIDRs: [{ clientCIDR: "0.0.0.0/0", serverAddress: hostPort }],
  };
}

function apiGroup(group: string, versions: string[]) {
  const gvs = versions.map((v) => ({ groupVersion: `${group}/${v}`, version: v }));
  return { kind: "APIGroup", apiVersion: "v1", name: group, versions: gvs, preferredVersion: gvs[0] };
}

export function apiGroupList(registry: ResourceRegistry) {
  const groups = [...registry.groupVersions()].filter(([g]) => g !== "").map(([g, vs]) => apiGroup(g, vs));
  return { kind: "APIGroupList", apiVersion: "v1", groups };
}

export function apiGroupDoc(registry: ResourceRegistry, group: string) {
  const versions = registry.groupVersions().get(group);
  return versions ? apiGroup(group, versions) : undefined;
}

function resourceEntries(t: ResourceType) {
  const main = {
    name: t.plural,
    singularName: t.singular,
    namespaced: t.namespaced,
    kind: t.kind,
    verbs: t.verbs,
    ...(t.shortNames?.length ? { shortNames: t.shortNames } : {}),
    ...(t.categories?.length ? { categories: t.categories } : {}),
  };
  const subs = t.subresources.map((s) =>
    s === "scale"
      ? {
          name: `${t.plural}/scale`,
          singularName: "",
          namespaced: t.namespaced,
          group: "autoscaling",
          version: "v1",
          kind: "Scale",
          verbs: ["get", "patch", "update"],
        }
      : s === "eviction"
        ? {
            // kubectl drain evicts only when discovery lists this (else it deletes pods).
            name: `${t.plural}/eviction`,
            singularName: "",
            namespaced: t.namespaced,
            group: "policy",
            version: "v1",
            kind: "Eviction",
            verbs: ["create"],
          }
        : {
            name: `${t.plural}/${s}`,
            singularName: "",
            namespaced: t.namespaced,
            kind: t.kind,
            verbs: ["get", "patch", "update"],
          },
  );
  const token =
    t.group === "" && t.kind === "ServiceAccount"
      ? [
          {
            name: "serviceaccounts/token",
            singularName: "",
            namespaced: true,
            group: "authentication.k8s.io",
            version: "v1",
            kind: "TokenRequest",
            verbs: ["create"],
          },
        ]
      : [];
  return [main, ...subs, ...token];
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string) {
  const types = registry.resourcesIn(group, version);
  if (types.length === 0) return undefined;
  return {
    kind: "APIResourceList",
    apiVersion: "v1",
    groupVersion: apiVersionOf({ group, version }),
    resources: types.flatMap(resourceEntries),
  };
}
