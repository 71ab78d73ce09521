// `get -w`: list, print, then follow the watch from the list's resourceVersion, printing each
// change as it arrives. Bookmarks advance the resourceVersion; a 410 (the revision was compacted)
// relists and prints only what changed meanwhile; a stream the hub ends is resumed, not restarted.

import type { KubeObject } from "../../apis/meta/types.ts";
import type { Table } from "../../apiserver/table/types.ts";
import { type HubClient, type Query, TABLE_ACCEPT } from "../client.ts";
import { listObjects, listTable, selectorQuery } from "../command.ts";
import { ApiError, type Status } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import {
  formatValue,
  nameOf,
  noResourcesMessage,
  type OutputFormat,
  withoutManagedFields,
} from "../output.ts";
import { type ApiResource, resourcePath } from "../resources.ts";
import { StreamingTable } from "../table-stream.ts";

export interface WatchOptions {
  resource: ApiResource;
  /** Watch one object instead of the collection. */
  name?: string;
  output: OutputFormat;
  /** Stop after this many change events (tests); default: never. */
  maxEvents?: number;
}

interface Meta {
  namespace?: string;
  name?: string;
  resourceVersion?: string;
}

/** What changes between the kinds of output: how to list, and how to print a batch of objects. */
interface Printer {
  accept: string | undefined;
  list(): Promise<{ resourceVersion: string; items: unknown[] }>;
  /** Prints the items whose resourceVersion differs from the last one printed for that object. */
  print(items: unknown[]): void;
}

export async function watchResource(inv: Invocation, o: WatchOptions): Promise<number> {
  const client = await inv.client();
  const namespace = o.resource.namespaced && !inv.bool("all-namespaces") ? await inv.namespace() : undefined;
  const path = resourcePath(o.resource, namespace);
  const query = selectorQuery(inv);
  if (o.name) {
    const byName = `metadata.name=${o.name}`;
    query.fieldSelector = query.fieldSelector ? `${query.fieldSelector},${byName}` : byName;
  }
  const showNamespace = namespace === undefined && o.resource.namespaced;
  const printer = makePrinter(inv, client, { path, query, output: o.output, showNamespace });
  let { resourceVersion, items } = await printer.list();
  if (inv.bool("watch-only")) printer.print([]);
  else if (items.length === 0) inv.io.err(noResourcesMessage(namespace));
  else printer.print(items);
  let events = 0;
  for (;;) {
    let expired = false;
    try {
      const stream = client.watch(path, {
        query: { ...query, resourceVersion, allowWatchBookmarks: true },
        accept: printer.accept,
      });
      for await (const ev of stream) {
        if (ev.type === "ERROR") {
          const status = ev.object as Status;
          if (status.code === 410) {
            expired = true;
            break;
          }
          throw new ApiError(status.code ?? 500, status);
        }
        resourceVersion = eventVersion(ev.object) ?? resourceVersion;
        if (ev.type === "BOOKMARK") continue;
        printer.print([ev.object]);
        if (o.maxEvents && ++events >= o.maxEvents) return 0;
      }
    } catch (e) {
      if (!(e instanceof ApiError && e.code === 410)) throw e;
      expired = true;
    }
    if (expired) {
      ({ resourceVersion, items } = await printer.list());
      printer.print(items);
    }
  }
}

function eventVersion(obj: unknown): string | undefined {
  const o = obj as { metadata?: Meta; rows?: { object?: { metadata?: Meta } }[] };
  return o.rows?.[0]?.object?.metadata?.resourceVersion ?? o.metadata?.resourceVersion;
}

const keyOf = (m: Meta | undefined) => `${m?.namespace ?? ""}/${m?.name ?? ""}`;

function makePrinter(
  inv: Invocation,
  client: HubClient,
  o: { path: string; query: Query; output: OutputFormat; showNamespace: boolean },
): Printer {
  const seen = new Map<string, string | undefined>();
  /** True the first time an object is seen at this resourceVersion. */
  const fresh = (m: Meta | undefined) => {
    const key = keyOf(m);
    if (seen.has(key) && seen.get(key) === m?.resourceVersion) return false;
    seen.set(key, m?.resourceVersion);
    return true;
  };
  if (o.output === "table" || o.output === "wide") {
    const stream = new StreamingTable({
      wide: o.output === "wide",
      noHeaders: inv.bool("no-headers"),
      showNamespace: o.showNamespace,
      showLabels: inv.bool("show-labels"),
    });
    let columns: Table["columnDefinitions"] = [];
    let listed: Table | undefined;
    return {
      accept: TABLE_ACCEPT,
      async list() {
        listed = await listTable(client, o.path, o.query);
        if (listed.columnDefinitions.length > 0) columns = listed.columnDefinitions;
        return { resourceVersion: listed.metadata?.resourceVersion ?? "", items: [listed] };
      },
      print(items) {
        for (const t of items as Table[]) {
          const rows = t.rows.filter((r) => fresh(r.object?.metadata as Meta | undefined));
          const table = {
            ...t,
            columnDefinitions: t.columnDefinitions?.length ? t.columnDefinitions : columns,
            rows,
          };
          inv.io.out(stream.print(table));
        }
      },
    };
  }
  let printed = 0;
  return {
    accept: undefined,
    async list() {
      const { items, resourceVersion } = await listObjects(client, o.path, o.query);
      return { resourceVersion, items };
    },
    print(items) {
      for (const raw of items as KubeObject[]) {
        if (!fresh(raw.metadata)) continue;
        const obj = inv.bool("show-managed-fields") ? raw : withoutManagedFields(raw);
        if (o.output === "name") inv.io.out(`${nameOf(obj)}\n`);
        else if (o.output === "json") inv.io.out(formatValue(obj, "json"));
        else inv.io.out(`${printed++ > 0 ? "---\n" : ""}${formatValue(obj, "yaml")}`);
      }
    },
  };
}
