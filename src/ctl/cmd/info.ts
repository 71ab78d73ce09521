// `mcpctl api-resources` (what kinds the hub serves, from discovery) and `mcpctl version`
// (this client's release and the hub's /version).

import { UsageError } from "../../cli/flags.ts";
import { MCP_VERSION } from "../../cli/version.ts";
import { type Command, outputFlag } from "../command.ts";
import { columns } from "../describe-format.ts";
import type { Invocation } from "../invocation.ts";
import { formatValue, parseOutput } from "../output.ts";
import { groupVersionOf } from "../resources.ts";

const RESOURCE_FORMATS = ["table", "wide", "name", "json", "yaml"] as const;

export const apiResourcesCommand: Command = {
  name: "api-resources",
  usage: "mcpctl api-resources [flags]",
  summary: "List the kinds the hub serves, with their short names, API version and scope.",
  flags: [
    outputFlag(RESOURCE_FORMATS, "table"),
    {
      name: "api-group",
      type: "string",
      description: 'Only this API group ("" is the core group; mcp.platform for platform kinds)',
    },
    {
      name: "namespaced",
      type: "string",
      description: "Only namespaced (true) or cluster-scoped (false) kinds",
    },
    { name: "no-headers", type: "boolean", default: "false", description: "Leave out the table header" },
  ],
  examples: ["mcpctl api-resources", "mcpctl api-resources --api-group mcp.platform"],
  run: async (inv: Invocation) => {
    const output = parseOutput(inv.flags.output, RESOURCE_FORMATS, "table");
    const namespaced = inv.str("namespaced");
    if (namespaced !== undefined && namespaced !== "true" && namespaced !== "false") {
      throw new UsageError("--namespaced takes true or false");
    }
    const group = inv.flags["api-group"];
    let list = await (await inv.discovery()).all();
    if (typeof group === "string") list = list.filter((r) => r.group === group);
    if (namespaced !== undefined) list = list.filter((r) => r.namespaced === (namespaced === "true"));
    list = [...list].sort((a, b) => a.group.localeCompare(b.group) || a.name.localeCompare(b.name));
    if (output === "json" || output === "yaml") {
      inv.io.out(formatValue(list, output));
    } else if (output === "name") {
      inv.io.out(list.map((r) => `${r.name}${r.group ? `.${r.group}` : ""}\n`).join(""));
    } else {
      const wide = output === "wide";
      const header = [
        "NAME",
        "SHORTNAMES",
        "APIVERSION",
        "NAMESPACED",
        "KIND",
        ...(wide ? ["VERBS", "CATEGORIES"] : []),
      ];
      const rows = list.map((r) => [
        r.name,
        r.shortNames.join(","),
        groupVersionOf(r),
        String(r.namespaced),
        r.kind,
        ...(wide ? [r.verbs.join(","), r.categories.join(",")] : []),
      ]);
      inv.io.out(columns(inv.bool("no-headers") ? rows : [header, ...rows], ""));
    }
    return 0;
  },
};

export const versionCommand: Command = {
  name: "version",
  usage: "mcpctl version [flags]",
  summary: "Print the mcpctl release and the hub's version.",
  flags: [
    {
      ...outputFlag(["json", "yaml"], ""),
      description: "Output format: json|yaml (default: two lines of text)",
    },
    {
      name: "client",
      type: "boolean",
      default: "false",
      description: "Only the client version; does not contact the hub",
    },
  ],
  run: async (inv: Invocation) => {
    const format = inv.str("output") ? parseOutput(inv.str("output"), ["json", "yaml"], "json") : undefined;
    const client = {
      gitVersion: `v${MCP_VERSION}`,
      platform: `${process.platform}/${process.arch}`,
      nodeVersion: process.version,
    };
    const server = inv.bool("client")
      ? undefined
      : await (await inv.client()).get<Record<string, string>>("/version");
    if (format === "json" || format === "yaml") {
      inv.io.out(
        formatValue({ clientVersion: client, ...(server ? { serverVersion: server } : {}) }, format),
      );
      return 0;
    }
    inv.io.out(`Client Version: ${client.gitVersion}\n`);
    if (server) inv.io.out(`Server Version: ${server.gitVersion ?? "unknown"}\n`);
    return 0;
  },
};
