// `mcpctl config`: the contexts of the kubeconfig mcpctl uses (see --kubeconfig); these never
// contact the hub.
import { UsageError } from "../../cli/flags.ts";
import type { Command } from "../command.ts";
import {
  readConfigFile,
  saveConfigFile,
  setContextNamespace,
  setCurrentContext,
  viewConfig,
} from "../config.ts";
import { columns } from "../describe-format.ts";
import { CtlError } from "../errors.ts";
import { formatValue, parseOutput } from "../output.ts";

const getContexts: Command = {
  name: "get-contexts",
  usage: "mcpctl config get-contexts [NAME] [flags]",
  summary: "List the kubeconfig's contexts; * marks the current one.",
  flags: [
    {
      name: "output",
      short: "o",
      type: "string",
      description: "name: print only the context names (default: a table)",
    },
    { name: "no-headers", type: "boolean", default: "false", description: "Leave out the table header" },
  ],
  run: async (inv, args) => {
    const file = await readConfigFile(inv.kubeconfigPath);
    const format = inv.str("output") ? parseOutput(inv.str("output"), ["name"], "name") : undefined;
    const shown = args.length > 0 ? file.contexts.filter((c) => args.includes(c.name)) : file.contexts;
    const missing = args.filter((a) => !file.contexts.some((c) => c.name === a));
    if (format === "name") inv.io.out(shown.map((c) => `${c.name}\n`).join(""));
    else {
      const rows = shown.map((c) => [
        c.name === file.current ? "*" : "",
        c.name,
        c.cluster,
        c.user,
        c.namespace,
      ]);
      const header = ["CURRENT", "NAME", "CLUSTER", "AUTHINFO", "NAMESPACE"];
      inv.io.out(columns(inv.bool("no-headers") ? rows : [header, ...rows], ""));
    }
    for (const m of missing) inv.io.err(`error: context ${m} not found\n`);
    return missing.length > 0 ? 1 : 0;
  },
};

const currentContext: Command = {
  name: "current-context",
  usage: "mcpctl config current-context",
  summary: "Print the current context's name.",
  flags: [],
  run: async (inv) => {
    const file = await readConfigFile(inv.kubeconfigPath);
    if (!file.current) throw new CtlError(`current-context is not set in ${file.path}`);
    inv.io.out(`${file.current}\n`);
    return 0;
  },
};

const useContext: Command = {
  name: "use-context",
  usage: "mcpctl config use-context NAME",
  summary: "Make NAME the current context of the kubeconfig file.",
  flags: [],
  run: async (inv, args) => {
    if (args.length !== 1) throw new UsageError("use-context takes exactly one context NAME");
    const file = await readConfigFile(inv.kubeconfigPath);
    setCurrentContext(file, args[0]);
    await saveConfigFile(file);
    inv.io.out(`Switched to context "${args[0]}".\n`);
    return 0;
  },
};

const setContext: Command = {
  name: "set-context",
  usage: "mcpctl config set-context [NAME | --current] --namespace NS",
  summary:
    "Set the default namespace of a context (the current one with --current). An empty --namespace clears it.",
  flags: [{ name: "current", type: "boolean", default: "false", description: "Modify the current context" }],
  run: async (inv, args) => {
    const file = await readConfigFile(inv.kubeconfigPath);
    const name = inv.bool("current") ? file.current : args[0];
    if (!name || args.length > 1) throw new UsageError("set-context needs one context NAME or --current");
    if (inv.flags.namespace === undefined) throw new UsageError("set-context needs --namespace NS");
    setContextNamespace(file, name, String(inv.flags.namespace));
    await saveConfigFile(file);
    inv.io.out(`Context "${name}" modified.\n`);
    return 0;
  },
};

const view: Command = {
  name: "view",
  usage: "mcpctl config view [--raw] [-o yaml|json]",
  summary: "Print the kubeconfig, with certificates, keys and tokens hidden unless --raw.",
  flags: [
    { name: "raw", type: "boolean", default: "false", description: "Show credentials as they are" },
    { name: "output", short: "o", type: "string", default: "yaml", description: "Output format: yaml|json" },
  ],
  run: async (inv) => {
    const format = parseOutput(inv.flags.output, ["yaml", "json"], "yaml") as "yaml" | "json";
    const file = await readConfigFile(inv.kubeconfigPath);
    inv.io.out(formatValue(viewConfig(file, inv.bool("raw")), format));
    return 0;
  },
};

export const configCommand: Command = {
  name: "config",
  usage: "mcpctl config SUBCOMMAND [flags]",
  summary:
    "Show and switch the contexts of the kubeconfig mcpctl uses: --kubeconfig, else MCPCONFIG, else ./mcp-data/hub.kubeconfig if it exists, else ~/.mcp/config.",
  flags: [],
  subcommands: [getContexts, currentContext, useContext, setContext, view],
};
