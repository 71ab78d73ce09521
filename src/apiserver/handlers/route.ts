// Sends a resource request to the handler for its verb and subresource.
import { errors } from "../errors.ts";
import type { RequestContext } from "./context.ts";
import { handleDelete, handleDeleteCollection } from "./delete.ts";
import { handlePatch } from "./patch.ts";
import { handleGet, handleList } from "./read.ts";
import { handleScale } from "./scale.ts";
import { handleWatch } from "./watch.ts";
import { handleCreate, handleUpdate } from "./write.ts";

export async function routeResource(ctx: RequestContext): Promise<void> {
  const { info, rt } = ctx;
  if (info.subresource) {
    if (!rt.subresources.includes(info.subresource))
      throw errors.notFound({
        group: rt.group,
        resource: `${rt.plural}/${info.subresource}`,
        name: info.name,
      });
    if (info.subresource === "scale") return handleScale(ctx);
    if (info.verb === "get") return handleGet(ctx);
    if (info.verb === "update") return handleUpdate(ctx);
    if (info.verb === "patch") return handlePatch(ctx);
    throw errors.methodNotAllowed(`${ctx.req.method} is not supported on ${rt.plural}/${info.subresource}`);
  }
  if (!rt.verbs.includes(info.verb))
    throw errors.methodNotAllowed(`${info.verb} is not supported on ${rt.plural}`);
  switch (info.verb) {
    case "get":
      return handleGet(ctx);
    case "list":
      return handleList(ctx);
    case "watch":
      return handleWatch(ctx);
    case "create":
      return handleCreate(ctx);
    case "update":
      return handleUpdate(ctx);
    case "patch":
      return handlePatch(ctx);
    case "delete":
      return handleDelete(ctx);
    case "deletecollection":
      return handleDeleteCollection(ctx);
    default:
      throw errors.methodNotAllowed(`${ctx.req.method} is not supported`);
  }
}
