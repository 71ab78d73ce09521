// The shape of an mcpctl command, and helpers most commands share: the -o flag, KIND NAME /
// KIND/NAME arguments, selectors, and paginated listing (as tables or as objects).

import type { KubeObject } from "../apis/meta/types.ts";
import type { Table } from "../apiserver/table/types.ts";
import { type FlagSpec, UsageError } from "../cli/flags.ts";
import { type HubClient, type Query, TABLE_ACCEPT } from "./client.ts";
import type { Invocation } from "./invocation.ts";
import { itemsOf, type OutputFormat, parseOutput } from "./output.ts";

export interface Command {
  name: string;
  /** e.g. "mcpctl get KIND [NAME...] [flags]" */
  usage: string;
  summary: string;
  flags: FlagSpec[];
  examples?: string[];
  /** e.g. `config use-context`; chosen by the first positional argument. */
  subcommands?: Command[];
  /**
   * Flags that mean something else when given after the command words: `{kubeconfig:
   * "member-kubeconfig"}` makes `cluster join NAME --kubeconfig K` name the member's file, while
   * `mcpctl --kubeconfig H cluster join ...` still names the hub's. Ignored when the target flag
   * itself is given.
   */
  trailingFlagAliases?: Record<string, string>;
  /** Absent when the command only groups subcommands. */
  run?: (inv: Invocation, args: string[]) => Promise<number>;
}

export function outputFlag(allowed: readonly OutputFormat[], fallback: string): FlagSpec {
  return {
    name: "output",
    short: "o",
    type: "string",
    default: fallback,
    description: `Output format: ${allowed.join("|")}`,
  };
}

/** The output formats of commands that print a table of their own, or the same data as json or yaml. */
const TABLE_OR_DATA = ["table", "json", "yaml"] as const;

/** -o for commands that print a table of their own (default), or the same data as json or yaml. */
export const tableOrDataFlag = (): FlagSpec => outputFlag(TABLE_OR_DATA, "table");

/** The -o given to a command declared with tableOrDataFlag(). */
export const tableOrDataFormat = (inv: Invocation) =>
  parseOutput(inv.str("output"), TABLE_OR_DATA, "table") as (typeof TABLE_OR_DATA)[number];

/** For commands that take flags only. */
export function noArguments(args: string[], command: string): void {
  if (args.length > 0) throw new UsageError(`${command} takes no arguments, got "${args[0]}"`);
}

export const selectorFlags: FlagSpec[] = [
  {
    name: "selector",
    short: "l",
    type: "string",
    description: "Label selector, e.g. app=web,tier!=db or 'env in (prod,staging)'",
  },
  {
    name: "field-selector",
    type: "string",
    description: "Field selector, e.g. metadata.name=web or status.phase=Running",
  },
];

export const allNamespacesFlag: FlagSpec = {
  name: "all-namespaces",
  short: "A",
  type: "boolean",
  default: "false",
  description: "List across all namespaces (adds a NAMESPACE column)",
};

export interface Target {
  /** What the user typed for the kind. */
  kind: string;
  names: string[];
}

/**
 * `KIND [NAME...]`, `KIND1,KIND2 [NAME...]` or `KIND/NAME...` (kinds may differ), as kubectl
 * accepts them.
 */
export function parseTargets(args: string[], command: string): Target[] {
  if (args.length === 0) throw new UsageError(`${command} needs a resource kind, e.g. '${command} clusters'`);
  if (args[0].includes("/")) {
    const targets: Target[] = [];
    for (const a of args) {
      const slash = a.indexOf("/");
      if (slash <= 0 || slash === a.length - 1) {
        throw new UsageError(
          `there is no need to give a kind as well as KIND/NAME arguments: "${a}" is not KIND/NAME`,
        );
      }
      const kind = a.slice(0, slash);
      const name = a.slice(slash + 1);
      const t = targets.find((x) => x.kind === kind);
      if (t) t.names.push(name);
      else targets.push({ kind, names: [name] });
    }
    return targets;
  }
  const names = args.slice(1);
  const bad = names.find((n) => n.includes("/"));
  if (bad) throw new UsageError(`"${bad}" is KIND/NAME, which cannot follow a kind argument`);
  return args[0]
    .split(",")
    .filter(Boolean)
    .map((kind) => ({ kind, names: [...names] }));
}

export function selectorQuery(inv: Invocation): Query {
  return { labelSelector: inv.str("selector"), fieldSelector: inv.str("field-selector") };
}

/** Chunk size for lists, so a fleet of thousands never arrives as one giant response. */
export const LIST_CHUNK = 500;

/** Every page of a collection as one server-printed Table. */
export async function listTable(client: HubClient, path: string, query: Query): Promise<Table> {
  let table: Table | undefined;
  let cont: string | undefined;
  do {
    const page = await client.get<Table>(path, {
      query: { ...query, limit: LIST_CHUNK, continue: cont },
      accept: TABLE_ACCEPT,
    });
    if (!table) table = page;
    else table.rows.push(...page.rows);
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return table;
}

/** Every page of a collection; items carry apiVersion and kind. */
export async function listObjects(
  client: HubClient,
  path: string,
  query: Query,
): Promise<{ items: KubeObject[]; resourceVersion: string }> {
  const items: KubeObject[] = [];
  let cont: string | undefined;
  let resourceVersion = "";
  do {
    const page = await client.get<{
      apiVersion: string;
      kind: string;
      metadata?: { continue?: string; resourceVersion?: string };
      items: KubeObject[];
    }>(path, { query: { ...query, limit: LIST_CHUNK, continue: cont } });
    items.push(...itemsOf(page));
    resourceVersion ||= page.metadata?.resourceVersion ?? "";
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return { items, resourceVersion };
}
