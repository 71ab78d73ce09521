// OpenAPI v3 documents, one per group-version, generated from the registry: every kind's
// paths (with x-kubernetes-group-version-kind and the write parameters kubectl looks for, such
// as fieldValidation) and its schema where the kind has one.
import { createHash } from "node:crypto";
import type { ResourceRegistry } from "../resources/registry.ts";
import { apiVersionOf, type ResourceType } from "../resources/resource-type.ts";

const gvPath = (group: string, version: string) =>
  group === "" ? `api/${version}` : `apis/${group}/${version}`;
const schemaName = (t: ResourceType) =>
  `${t.group === "" ? "io.k8s.api.core" : t.group}.${t.version}.${t.kind}`;

const queryParam = (name: string, description: string) => ({
  name,
  in: "query",
  description,
  schema: { type: "string" },
  uniqueItems: true,
});

const writeParams = [
  queryParam("dryRun", "When present, indicates that modifications should not be persisted (All)."),
  queryParam("fieldManager", "The name of the actor or entity making these changes."),
  queryParam("fieldValidation", "How to handle unknown fields: Ignore, Warn or Strict."),
];

function operation(
  t: ResourceType,
  action: string,
  opts: { write?: boolean; patch?: boolean; list?: boolean } = {},
) {
  const ref = { $ref: `#/components/schemas/${schemaName(t)}` };
  const content = (schema: unknown) => ({ "application/json": { schema }, "application/yaml": { schema } });
  return {
    operationId: `${action}${t.kind}`,
    "x-kubernetes-action": action,
    "x-kubernetes-group-version-kind": { group: t.group, version: t.version, kind: t.kind },
    parameters: [
      ...(opts.write ? writeParams : []),
      ...(opts.patch ? [queryParam("force", 'Force is going to "force" Apply requests.')] : []),
      ...(opts.list
        ? ["labelSelector", "fieldSelector", "limit", "continue", "resourceVersion", "watch"].map((n) =>
            queryParam(n, n),
          )
        : []),
    ],
    ...(opts.write
      ? {
          requestBody: {
            content: opts.patch
              ? Object.fromEntries(
                  [
                    "application/apply-patch+yaml",
                    "application/json-patch+json",
                    "application/merge-patch+json",
                    "application/strategic-merge-patch+json",
                  ].map((c) => [c, { schema: { type: "object" } }]),
                )
              : content(ref),
          },
        }
      : {}),
    responses: { "200": { description: "OK", content: content(ref) } },
  };
}

function pathsFor(t: ResourceType): Record<string, unknown> {
  const base = `/${gvPath(t.group, t.version)}${t.namespaced ? "/namespaces/{namespace}" : ""}/${t.plural}`;
  const nameParam = { name: "name", in: "path", required: true, schema: { type: "string" } };
  const nsParam = t.namespaced
    ? [{ name: "namespace", in: "path", required: true, schema: { type: "string" } }]
    : [];
  const out: Record<string, unknown> = {
    [base]: {
      parameters: nsParam,
      get: operation(t, "list", { list: true }),
      post: operation(t, "post", { write: true }),
      delete: operation(t, "deletecollection", { list: true }),
    },
    [`${base}/{name}`]: {
      parameters: [nameParam, ...nsParam],
      get: operation(t, "get"),
      put: operation(t, "put", { write: true }),
      patch: operation(t, "patch", { write: true, patch: true }),
      delete: operation(t, "delete", { write: true }),
    },
  };
  for (const s of t.subresources) {
    out[`${base}/{name}/${s}`] =
      s === "eviction"
        ? { parameters: [nameParam, ...nsParam], post: operation(t, "post", { write: true }) }
        : {
            parameters: [nameParam, ...nsParam],
            get: operation(t, "get"),
            put: operation(t, "put", { write: true }),
            patch: operation(t, "patch", { write: true, patch: true }),
          };
  }
  return out;
}

const stringMap = { type: "object", additionalProperties: { type: "string" } };

/** ObjectMeta as clients (kubectl's patch computation, explain) expect to find it. */
const OBJECT_META = {
  type: "object",
  properties: {
    name: { type: "string" },
    generateName: { type: "string" },
    namespace: { type: "string" },
    uid: { type: "string" },
    resourceVersion: { type: "string" },
    generation: { type: "integer", format: "int64" },
    creationTimestamp: { type: "string", format: "date-time" },
    deletionTimestamp: { type: "string", format: "date-time" },
    deletionGracePeriodSeconds: { type: "integer", format: "int64" },
    labels: stringMap,
    annotations: stringMap,
    finalizers: { type: "array", items: { type: "string" }, "x-kubernetes-list-type": "set" },
    ownerReferences: {
      type: "array",
      items: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
    managedFields: { type: "array", items: { type: "object", "x-kubernetes-preserve-unknown-fields": true } },
  },
};

function schemaFor(t: ResourceType): Record<string, unknown> {
  const gvk = [{ group: t.group, version: t.version, kind: t.kind }];
  const own = (t.schema ?? {}) as { properties?: Record<string, unknown> };
  return {
    type: "object",
    // Kinds stored as given keep whatever fields they carry.
    ...(t.schema
      ? t.schema
      : {
          "x-kubernetes-preserve-unknown-fields": true,
          description: `${t.kind} (${apiVersionOf(t)}), stored as given`,
        }),
    properties: {
      ...own.properties,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: OBJECT_META,
    },
    // Only a kind with a real schema claims its GVK: for the others kubectl then computes
    // client-side apply patches from its own built-in type knowledge instead of this document.
    ...(t.schema ? { "x-kubernetes-group-version-kind": gvk } : {}),
  };
}

/**
 * /openapi/v2: the kinds' definitions in Swagger 2.0 form. kubectl falls back to it to validate
 * kinds missing from v3; an unknown kind is then reported as "no matches for kind".
 */
export function openApiV2(registry: ResourceRegistry) {
  const definitions: Record<string, unknown> = {};
  for (const t of registry.all()) definitions[schemaName(t)] = schemaFor(t);
  return { swagger: "2.0", info: { title: "MCP", version: "v1" }, paths: {}, definitions };
}

export function openApiDocument(registry: ResourceRegistry, group: string, version: string) {
  const types = registry.resourcesIn(group, version);
  if (types.length === 0) return undefined;
  return {
    openapi: "3.0.0",
    info: { title: "MCP", version: apiVersionOf({ group, version }) },
    paths: Object.assign({}, ...types.map(pathsFor)),
    components: { schemas: Object.fromEntries(types.map((t) => [schemaName(t), schemaFor(t)])) },
  };
}

/** The /openapi/v3 index: where each group-version's document lives, with a content hash. */
export function openApiIndex(registry: ResourceRegistry) {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const [group, versions] of registry.groupVersions()) {
    for (const v of versions) {
      const p = gvPath(group, v);
      const hash = createHash("sha256")
        .update(JSON.stringify(openApiDocument(registry, group, v)))
        .digest("hex")
        .slice(0, 32)
        .toUpperCase();
      paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
    }
  }
  return { paths };
}
