// `mcpctl get`: server-printed tables (or json/yaml/name) of one or more kinds, by name, label or
// field selector, in a namespace or across all; `-w` hands over to the watch loop.

import type { KubeObject } from "../../apis/meta/types.ts";
import type { Table } from "../../apiserver/table/types.ts";
import { UsageError } from "../../cli/flags.ts";
import { type HubClient, TABLE_ACCEPT } from "../client.ts";
import { withClustersColumn } from "../clusters-column.ts";
import {
  allNamespacesFlag,
  type Command,
  listObjects,
  listTable,
  outputFlag,
  parseTargets,
  selectorFlags,
  selectorQuery,
} from "../command.ts";
import { errorText, isNotFound } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import {
  formatObjects,
  nameOf,
  noResourcesMessage,
  type OutputFormat,
  parseOutput,
  withoutManagedFields,
} from "../output.ts";
import { type ApiResource, objectRef, resourcePath } from "../resources.ts";
import { renderTable } from "../table-stream.ts";
import { watchResource } from "./watch.ts";

const FORMATS = ["table", "wide", "json", "yaml", "name"] as const;

export const getCommand: Command = {
  name: "get",
  usage: "mcpctl get KIND[,KIND...] [NAME...] | KIND/NAME... [flags]",
  summary:
    "Display one or many resources. KIND is a plural, singular, kind or short name, optionally with its group (clusters, mc, deployments.apps).",
  flags: [
    outputFlag(FORMATS, "table"),
    ...selectorFlags,
    allNamespacesFlag,
    {
      name: "watch",
      short: "w",
      type: "boolean",
      default: "false",
      description: "After listing, keep printing changes as they happen",
    },
    {
      name: "watch-only",
      type: "boolean",
      default: "false",
      description: "Print changes only, without the initial list",
    },
    { name: "no-headers", type: "boolean", default: "false", description: "Leave out the table header" },
    { name: "show-labels", type: "boolean", default: "false", description: "Add a LABELS column to tables" },
    {
      name: "show-managed-fields",
      type: "boolean",
      default: "false",
      description: "Keep metadata.managedFields in json/yaml output",
    },
    {
      name: "ignore-not-found",
      type: "boolean",
      default: "false",
      description: "Treat a named object that does not exist as no error",
    },
  ],
  examples: [
    "mcpctl get clusters",
    "mcpctl get deploy -A -o wide",
    "mcpctl get cm web-config -n shop -o yaml",
    "mcpctl get clusters -l region=east -w",
  ],
  run: runGet,
};

interface Piece {
  resource: ApiResource;
  table?: Table;
  objects: KubeObject[];
  listed: boolean;
}

async function runGet(inv: Invocation, args: string[]): Promise<number> {
  const output = parseOutput(inv.flags.output, FORMATS, "table");
  const targets = parseTargets(args, "get");
  const all = inv.bool("all-namespaces");
  if (all && targets.some((t) => t.names.length > 0)) {
    throw new UsageError("a resource cannot be retrieved by name across all namespaces");
  }
  const discovery = await inv.discovery();
  const resources = await Promise.all(targets.map((t) => discovery.resolve(t.kind)));
  if (inv.bool("watch") || inv.bool("watch-only")) {
    if (targets.length !== 1 || targets[0].names.length > 1) {
      throw new UsageError("watch is only supported on one kind, and on all of its objects or a single name");
    }
    return watchResource(inv, { resource: resources[0], name: targets[0].names[0], output });
  }
  const namespace = all ? undefined : await inv.namespace();
  const errors: string[] = [];
  const pieces: Piece[] = [];
  for (const [i, resource] of resources.entries()) {
    pieces.push(await fetchPiece(inv, { resource, names: targets[i].names, namespace, output, errors }));
  }
  print(inv, pieces, {
    output,
    namespace: resources.some((r) => r.namespaced) ? namespace : undefined,
    errors,
  });
  for (const e of errors) inv.io.err(`${e}\n`);
  return errors.length > 0 ? 1 : 0;
}

interface FetchOptions {
  resource: ApiResource;
  names: string[];
  namespace: string | undefined;
  output: OutputFormat;
  errors: string[];
}

async function fetchPiece(inv: Invocation, o: FetchOptions): Promise<Piece> {
  const client = await inv.client();
  const asTable = o.output === "table" || o.output === "wide";
  const piece: Piece = { resource: o.resource, objects: [], listed: o.names.length === 0 };
  if (o.names.length === 0) {
    const path = resourcePath(o.resource, o.namespace);
    if (asTable) piece.table = await listTable(client, path, selectorQuery(inv));
    else piece.objects = (await listObjects(client, path, selectorQuery(inv))).items;
    if (o.output === "wide" && piece.table) piece.table = await addClusters(client, o, piece.table);
    return piece;
  }
  for (const name of o.names) {
    const path = resourcePath(o.resource, o.namespace, name);
    try {
      if (asTable) {
        const t = await client.get<Table>(path, { accept: TABLE_ACCEPT });
        if (!piece.table) piece.table = t;
        else piece.table.rows.push(...t.rows);
      } else {
        piece.objects.push(await client.get<KubeObject>(path));
      }
    } catch (e) {
      if (isNotFound(e) && inv.bool("ignore-not-found")) continue;
      if (!isNotFound(e)) throw e;
      o.errors.push(errorText(e));
    }
  }
  if (o.output === "wide" && piece.table) piece.table = await addClusters(client, o, piece.table);
  return piece;
}

/** Templates at the hub get a CLUSTERS column from their ResourceBindings (wide output only). */
async function addClusters(client: HubClient, o: FetchOptions, table: Table): Promise<Table> {
  if (o.resource.group === "mcp.platform") return table;
  const ns = o.resource.namespaced ? o.namespace : "mcp-system";
  const path = `/apis/mcp.platform/v1${ns ? `/namespaces/${encodeURIComponent(ns)}` : ""}/resourcebindings`;
  try {
    return withClustersColumn(table, o.resource.kind, (await listObjects(client, path, {})).items);
  } catch {
    // Bindings not readable (RBAC) or not served (an older hub): the table without the column.
    return table;
  }
}

function print(
  inv: Invocation,
  pieces: Piece[],
  o: { output: OutputFormat; namespace: string | undefined; errors: string[] },
): void {
  const { output } = o;
  if (output === "json" || output === "yaml") {
    const objects = pieces
      .flatMap((p) => p.objects)
      .map((x) => (inv.bool("show-managed-fields") ? x : withoutManagedFields(x)));
    const single = pieces.length === 1 && !pieces[0].listed && pieces[0].objects.length === 1;
    if (objects.length > 0 || pieces.some((p) => p.listed))
      inv.io.out(formatObjects(objects, output, !single));
    return;
  }
  if (output === "name") {
    for (const obj of pieces.flatMap((p) => p.objects)) inv.io.out(`${nameOf(obj)}\n`);
    return;
  }
  const layout = (r: ApiResource) => ({
    wide: output === "wide",
    noHeaders: inv.bool("no-headers"),
    // Cluster-scoped kinds have no namespace to show, even with -A (as in kubectl).
    showNamespace: inv.bool("all-namespaces") && r.namespaced,
    showLabels: inv.bool("show-labels"),
  });
  const texts = pieces
    .filter((p) => p.table && p.table.rows.length > 0)
    .map((p) =>
      renderTable(
        pieces.length > 1 ? prefixNames(p.table as Table, p.resource) : (p.table as Table),
        layout(p.resource),
      ),
    );
  if (texts.length > 0) inv.io.out(texts.join("\n"));
  else if (o.errors.length === 0 && pieces.some((p) => p.listed)) inv.io.err(noResourcesMessage(o.namespace));
}

/** With several kinds in one table-set, names read `deployment.apps/web`, as kubectl prints them. */
function prefixNames(table: Table, r: ApiResource): Table {
  const col = Math.max(
    0,
    table.columnDefinitions.findIndex((c) => c.format === "name"),
  );
  return {
    ...table,
    rows: table.rows.map((row) => ({
      ...row,
      cells: row.cells.map((c, i) => (i === col ? objectRef(r, String(c)) : c)),
    })),
  };
}
