// `mcpctl describe`: a readable report on one or more objects, with the events that name them.
import type { KubeObject } from "../../apis/meta/types.ts";
import { UsageError } from "../../cli/flags.ts";
import type { HubClient } from "../client.ts";
import {
  allNamespacesFlag,
  type Command,
  listObjects,
  parseTargets,
  selectorFlags,
  selectorQuery,
} from "../command.ts";
import { describeObject, type EventLike } from "../describe-format.ts";
import { bindingQuery, propagationSection } from "../describe-propagation.ts";
import { ApiError, errorText, isNotFound } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import { noResourcesMessage } from "../output.ts";
import { resourcePath } from "../resources.ts";

export const describeCommand: Command = {
  name: "describe",
  usage: "mcpctl describe KIND [NAME...] | KIND/NAME... [flags]",
  summary:
    "Show details of objects: metadata, spec and status, conditions and recent events. Without a name, every object of the kind.",
  flags: [
    ...selectorFlags,
    allNamespacesFlag,
    {
      name: "show-events",
      type: "boolean",
      default: "true",
      description: "Include the events that name the object (--no-show-events to leave them out)",
    },
  ],
  examples: [
    "mcpctl describe cluster east-1",
    "mcpctl describe deploy web -n shop",
    "mcpctl describe clusters -l region=east",
  ],
  run: runDescribe,
};

async function runDescribe(inv: Invocation, args: string[]): Promise<number> {
  const targets = parseTargets(args, "describe");
  const all = inv.bool("all-namespaces");
  if (all && targets.some((t) => t.names.length > 0)) {
    throw new UsageError("a resource cannot be described by name across all namespaces");
  }
  const client = await inv.client();
  const discovery = await inv.discovery();
  const namespace = all ? undefined : await inv.namespace();
  const errors: string[] = [];
  const texts: string[] = [];
  for (const t of targets) {
    const r = await discovery.resolve(t.kind);
    let objects: KubeObject[] = [];
    if (t.names.length === 0) {
      objects = (await listObjects(client, resourcePath(r, namespace), selectorQuery(inv))).items;
      if (objects.length === 0) inv.io.err(noResourcesMessage(r.namespaced ? namespace : undefined));
    }
    for (const name of t.names) {
      try {
        objects.push(await client.get<KubeObject>(resourcePath(r, namespace, name)));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        errors.push(errorText(e));
      }
    }
    for (const obj of objects) {
      const events = inv.bool("show-events") ? await eventsFor(client, obj) : undefined;
      texts.push(describeObject(obj, events, Date.now()) + (await propagationOf(client, obj)));
    }
  }
  if (texts.length > 0) inv.io.out(texts.join("\n\n"));
  for (const e of errors) inv.io.err(`${e}\n`);
  return errors.length > 0 ? 1 : 0;
}

/** The template's Propagation section, from its ResourceBinding (none when it is not propagated). */
async function propagationOf(client: HubClient, obj: KubeObject): Promise<string> {
  const q = bindingQuery(obj);
  if (!q) return "";
  try {
    const { items } = await listObjects(
      client,
      `/apis/mcp.platform/v1/namespaces/${encodeURIComponent(q.namespace)}/resourcebindings`,
      { labelSelector: q.labelSelector },
    );
    return propagationSection(items[0]);
  } catch (e) {
    // Not propagated, or bindings are not readable to this user: describe shows the rest.
    if (isNotFound(e) || (e instanceof ApiError && e.code === 403)) return "";
    throw e;
  }
}

/**
 * Events whose involvedObject is this object. Events about cluster-scoped objects may sit in
 * any namespace, so those are searched hub-wide. An events list the user may not read leaves the
 * section out rather than failing the describe.
 */
async function eventsFor(client: HubClient, obj: KubeObject): Promise<EventLike[] | undefined> {
  const ns = obj.metadata.namespace;
  const path = ns ? `/api/v1/namespaces/${encodeURIComponent(ns)}/events` : "/api/v1/events";
  const fieldSelector = `involvedObject.name=${obj.metadata.name},involvedObject.kind=${obj.kind}`;
  try {
    const { items } = await listObjects(client, path, { fieldSelector });
    return (items as (EventLike & { involvedObject?: { uid?: string; namespace?: string } })[]).filter(
      (e) =>
        (!e.involvedObject?.uid || e.involvedObject.uid === obj.metadata.uid) &&
        (!e.involvedObject?.namespace || e.involvedObject.namespace === ns),
    );
  } catch {
    return undefined;
  }
}
