// What the API server knows about one served resource: its names, scope, verbs, schema and the
// hooks a kind may plug in (defaulting, validation). Built-in kinds, platform kinds and kinds
// registered by a CustomResourceDefinition all become a ResourceType.

import type { KubeObject } from "../../apis/meta/types.ts";
import type { StatusCause } from "../errors.ts";

export interface PrinterColumn {
  name: string;
  type: string;
  jsonPath: string;
  description?: string;
  priority?: number;
  format?: string;
}

export interface ResourceHooks {
  /**
   * Fills defaults in place, as Kubernetes' defaulting does, before validation. `old` is the
   * stored object on updates, so values the server allocated (a Service's clusterIP) carry over
   * when a client omits them, as kube-apiserver's strategies do.
   */
  default?(obj: KubeObject, old: KubeObject | undefined): void;
  /** Kind-specific validation beyond the schema; returns field causes (empty = valid). */
  validate?(obj: KubeObject, old: KubeObject | undefined): StatusCause[];
}

export interface ResourceType {
  group: string;
  version: string;
  kind: string;
  listKind: string;
  /** Plural resource name used in URLs, e.g. "deployments". */
  plural: string;
  singular: string;
  namespaced: boolean;
  shortNames?: string[];
  categories?: string[];
  verbs: string[];
  /** Subresources served besides the main resource, e.g. ["status"]. */
  subresources: string[];
  /** A JSON Schema (OpenAPI v3 structural) for the whole object, when the kind has one. */
  schema?: Record<string, unknown>;
  /** Names must be DNS-1123 labels (namespaces, services) instead of subdomains. */
  nameIsLabel?: boolean;
  printerColumns?: PrinterColumn[];
  hooks?: ResourceHooks;
  /** True for kinds Kubernetes builds in (strategic merge patch is allowed on them). */
  builtin: boolean;
  /** Field selectors allowed besides metadata.name and metadata.namespace. */
  selectableFields?: string[];
  /** Where the kind came from, for discovery and the CRD controller. */
  source: "builtin" | "platform" | "crd";
  /**
   * Set on a version served over another version's storage (autoscaling/v1 over v2): objects
   * are converted on their way into and out of the store, so every version sees every object.
   */
  conversion?: VersionConversion;
}

/** Converts between one served version and the stored one; neither direction changes its input. */
export interface VersionConversion {
  toStorage(obj: KubeObject): KubeObject;
  fromStorage(obj: KubeObject): KubeObject;
}

export const ALL_VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"];

export function apiVersionOf(t: Pick<ResourceType, "group" | "version">): string {
  return t.group === "" ? t.version : `${t.group}/${t.version}`;
}

export function parseApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf("/");
  return slash < 0
    ? { group: "", version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) };
}
