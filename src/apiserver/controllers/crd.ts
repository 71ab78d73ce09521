// The CRD controller: every served version of a CustomResourceDefinition becomes a kind the
// server serves (discovery, OpenAPI, validation by its openAPIV3Schema); the CRD's status says
// it is Established. Deleting a CRD stops serving the kind and deletes its objects.
import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { Store } from "../../storage/store.ts";
import { nowRfc3339 } from "../handlers/prepare.ts";
import { resourcePrefix } from "../keys.ts";
import { ObjectStore } from "../registry/object-store.ts";
import type { ResourceRegistry } from "../resources/registry.ts";
import { ALL_VERBS, type PrinterColumn, type ResourceType } from "../resources/resource-type.ts";
import { Informer, type InformerLogger } from "./informer.ts";

interface CrdVersion {
  name: string;
  served?: boolean;
  storage?: boolean;
  schema?: { openAPIV3Schema?: Record<string, unknown> };
  subresources?: { status?: object; scale?: object };
  additionalPrinterColumns?: PrinterColumn[];
}

interface CrdSpec {
  group: string;
  scope: "Namespaced" | "Cluster";
  names: {
    kind: string;
    plural: string;
    singular?: string;
    listKind?: string;
    shortNames?: string[];
    categories?: string[];
  };
  versions: CrdVersion[];
}

export const CRD_GROUP = "apiextensions.k8s.io";
const CRD_PREFIX = resourcePrefix({ group: CRD_GROUP, resource: "customresourcedefinitions" });

/** The ResourceTypes one CRD defines (one per served version). */
export function crdResourceTypes(crd: KubeObject): ResourceType[] {
  const spec = crd.spec as CrdSpec;
  return spec.versions
    .filter((v) => v.served !== false)
    .map((v) => {
      const schema = v.schema?.openAPIV3Schema;
      return {
        group: spec.group,
        version: v.name,
        kind: spec.names.kind,
        listKind: spec.names.listKind ?? `${spec.names.kind}List`,
        plural: spec.names.plural,
        singular: spec.names.singular ?? spec.names.kind.toLowerCase(),
        namespaced: spec.scope === "Namespaced",
        shortNames: spec.names.shortNames,
        categories: spec.names.categories,
        verbs: ALL_VERBS,
        subresources: [
          ...(v.subresources?.status ? ["status"] : []),
          ...(v.subresources?.scale ? ["scale"] : []),
        ],
        schema: schema ? withObjectMeta(schema) : undefined,
        printerColumns: v.additionalPrinterColumns,
        builtin: false,
        source: "crd" as const,
      };
    });
}

/** CRD schemas describe spec/status; apiVersion, kind and metadata are the server's to check. */
function withObjectMeta(schema: Record<string, unknown>): Record<string, unknown> {
  const props = (schema.properties ?? {}) as Record<string, unknown>;
  return {
    ...schema,
    type: "object",
    properties: {
      ...props,
      apiVersion: { type: "string" },
      kind: { type: "string" },
      metadata: { type: "object", "x-kubernetes-preserve-unknown-fields": true },
    },
  };
}

export function startCrdController(store: Store, registry: ResourceRegistry, log?: InformerLogger): Informer {
  const objects = new ObjectStore(store);
  const served = new Map<string, ResourceType[]>();
  const crdType = () => registry.byGroupKind(CRD_GROUP, "CustomResourceDefinition")!;

  const unserve = (name: string) => {
    for (const t of served.get(name) ?? []) registry.remove(t.group, t.version, t.plural);
    served.delete(name);
  };

  return new Informer(
    store,
    CRD_PREFIX,
    {
      async upsert(crd) {
        const name = crd.metadata.name!;
        unserve(name);
        const types = crdResourceTypes(crd);
        for (const t of types) {
          const clash = registry.lookup(t.group, t.version, t.plural);
          if (clash && clash.source !== "crd") {
            log?.warn({ crd: name }, "CRD names a resource the server already serves; not serving it");
            return;
          }
        }
        for (const t of types) registry.add(t);
        served.set(name, types);
        await markEstablished(objects, crdType(), crd);
      },
      async delete(crd) {
        unserve(crd.metadata.name!);
        const spec = crd.spec as CrdSpec;
        const prefix = resourcePrefix({ group: spec.group, resource: spec.names.plural });
        const r = await store.range(prefix);
        for (const kv of r.items)
          await store
            .txn([{ key: kv.key, modRevision: kv.modRevision }], [{ type: "delete", key: kv.key }])
            .catch(() => {});
      },
    },
    log,
  );
}

async function markEstablished(objects: ObjectStore, rt: ResourceType, crd: KubeObject): Promise<void> {
  const spec = crd.spec as CrdSpec;
  const old = (crd.status ?? {}) as {
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  };
  const keep = (type: string) =>
    old.conditions?.find((c) => c.type === type && c.status === "True")?.lastTransitionTime;
  const condition = (type: string, reason: string, message: string) => ({
    type,
    status: "True",
    reason,
    message,
    lastTransitionTime: keep(type) ?? nowRfc3339(),
  });
  const status = {
    conditions: [
      condition("NamesAccepted", "NoConflicts", "no conflicts found"),
      condition("Established", "InitialNamesAccepted", "the initial names have been accepted"),
    ],
    acceptedNames: spec.names,
    storedVersions: spec.versions.filter((v) => v.storage).map((v) => v.name),
  };
  if (isDeepStrictEqual(crd.status, status)) return;
  await objects.update(rt, { ...crd, status }, Number(crd.metadata.resourceVersion)).catch(() => {
    // A newer version of the CRD exists; its own event will establish it.
  });
}
