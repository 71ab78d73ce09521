// Shapes what handlers return according to the negotiated transform: the object itself, a
// server-printed Table (what kubectl get asks for), or metadata only.
import type { KubeList, KubeObject } from "../../apis/meta/types.ts";
import { toTable } from "../table/table.ts";
import type { RequestContext } from "./context.ts";

type IncludeObject = "None" | "Metadata" | "Object";

function includeObject(ctx: RequestContext): IncludeObject {
  const v = ctx.query.get("includeObject");
  return v === "None" || v === "Object" ? v : "Metadata";
}

function partial(obj: KubeObject) {
  return { kind: "PartialObjectMetadata", apiVersion: "meta.k8s.io/v1", metadata: obj.metadata };
}

function table(ctx: RequestContext, items: KubeObject[], listMeta: KubeList["metadata"]) {
  return toTable(items, {
    kind: ctx.rt.kind,
    group: ctx.rt.group,
    includeObject: includeObject(ctx),
    printerColumns: ctx.rt.printerColumns,
    listMeta,
  });
}

export function renderObject(ctx: RequestContext, obj: KubeObject): unknown {
  switch (ctx.neg.transform) {
    case "table":
      return table(ctx, [obj], { resourceVersion: obj.metadata.resourceVersion });
    case "partial":
      return partial(obj);
    default:
      return obj;
  }
}

export function renderList(ctx: RequestContext, list: KubeList): unknown {
  switch (ctx.neg.transform) {
    case "table":
      return table(ctx, list.items, list.metadata);
    case "partial":
      return {
        kind: "PartialObjectMetadataList",
        apiVersion: "meta.k8s.io/v1",
        metadata: list.metadata,
        items: list.items.map(partial),
      };
    default:
      return list;
  }
}

export const renderWatchObject = renderObject;
