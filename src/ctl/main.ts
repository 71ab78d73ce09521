// mcpctl's command line: finds the command (and subcommand) among the arguments, parses its flags
// together with the global ones, prints help, runs it, and turns any failure into one line on
// stderr and an exit code (1 for errors, 2 for usage mistakes).
import { type FlagSpec, helpText, parseFlags, UsageError } from "../cli/flags.ts";
import { MCP_VERSION } from "../cli/version.ts";
import { applyCommand } from "./cmd/apply.ts";
import { clusterCommand } from "./cmd/cluster.ts";
import { configCommand } from "./cmd/config.ts";
import { createCommand, replaceCommand } from "./cmd/create.ts";
import { deleteCommand } from "./cmd/delete.ts";
import { describeCommand } from "./cmd/describe.ts";
import { diagCommand } from "./cmd/diag.ts";
import { getCommand } from "./cmd/get.ts";
import { apiResourcesCommand, versionCommand } from "./cmd/info.ts";
import { policyCommand } from "./cmd/policy.ts";
import type { Command } from "./command.ts";
import { describeFailure } from "./errors.ts";
import { globalFlags, Invocation, type Io } from "./invocation.ts";

export const commands: Command[] = [
  getCommand,
  describeCommand,
  applyCommand,
  createCommand,
  replaceCommand,
  deleteCommand,
  clusterCommand,
  diagCommand,
  policyCommand,
  apiResourcesCommand,
  configCommand,
  versionCommand,
];

const SUMMARY =
  "mcpctl controls the MCP hub: the fleet's clusters, policies, rollouts and the workloads they place.";

/** A command list shows each summary's first sentence; the command's own --help has the rest. */
const firstSentence = (summary: string) => summary.split(". ")[0].replace(/\.$/, "");

export function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  const list = commands.map((c) => `  ${c.name.padEnd(width)}${firstSentence(c.summary)}`).join("\n");
  const global = helpText("mcpctl COMMAND [flags]", SUMMARY, [
    ...globalFlags,
    { name: "version", type: "boolean", description: "Print the mcpctl version" },
  ]);
  return `${global.replace("\nFlags:\n", `\nCommands:\n${list}\n\nGlobal flags (accepted by every command):\n`)}\nRun 'mcpctl COMMAND --help' for a command's flags.\n`;
}

export function commandHelp(path: string, cmd: Command): string {
  let text = helpText(cmd.usage, cmd.summary, [...cmd.flags, ...globalFlags]);
  if (cmd.subcommands?.length) {
    const width = Math.max(...cmd.subcommands.map((s) => s.name.length)) + 3;
    text += `\nSubcommands (mcpctl ${path} SUBCOMMAND --help for more):\n${cmd.subcommands
      .map((s) => `  ${s.name.padEnd(width)}${firstSentence(s.summary)}`)
      .join("\n")}\n`;
  }
  if (cmd.examples?.length) text += `\nExamples:\n${cmd.examples.map((e) => `  ${e}`).join("\n")}\n`;
  return text;
}

/** Every `--flag`/`-f` that takes a value, so a flag's value is never mistaken for the command. */
function valueFlags(specs: FlagSpec[]): Set<string> {
  const out = new Set<string>();
  for (const s of specs) {
    if (s.type === "boolean") continue;
    out.add(`--${s.name}`);
    if (s.short) out.add(`-${s.short}`);
  }
  return out;
}

/** The index of the first positional argument, or -1. */
function firstPositional(argv: string[], takesValue: Set<string>): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") return i + 1 < argv.length ? i + 1 : -1;
    if (a.startsWith("-") && a !== "-") {
      if (takesValue.has(a)) i++;
      continue;
    }
    return i;
  }
  return -1;
}

/** A command's flags and those of every subcommand below it, at any depth. */
function flagsBelow(cmd: Command): FlagSpec[] {
  return [...cmd.flags, ...(cmd.subcommands ?? []).flatMap(flagsBelow)];
}

const allSpecs = (): FlagSpec[] => [...globalFlags, ...commands.flatMap(flagsBelow)];

/**
 * Renames `--from VALUE` / `--from=VALUE` to `--to` among the arguments that followed the command
 * words, unless `--to` was given explicitly somewhere (then every `--from` keeps its global
 * meaning). This is how `cluster join NAME --kubeconfig K` names the member's kubeconfig while a
 * --kubeconfig before the command still selects the hub.
 */
function applyTrailingAliases(rest: string[], from: number, aliases: Record<string, string>): string[] {
  const out = [...rest];
  for (const [alias, target] of Object.entries(aliases)) {
    const explicit = out.some((a) => a === `--${target}` || a.startsWith(`--${target}=`));
    if (explicit) continue;
    for (let i = from; i < out.length; i++) {
      if (out[i] === "--") break;
      if (out[i] === `--${alias}`) out[i] = `--${target}`;
      else if (out[i].startsWith(`--${alias}=`)) out[i] = `--${target}${out[i].slice(alias.length + 2)}`;
    }
  }
  return out;
}

export async function runCtl(argv: string[], io: Io): Promise<number> {
  let inv: Invocation | undefined;
  let helpPath = "";
  try {
    let rest = [...argv];
    const at = firstPositional(rest, valueFlags(allSpecs()));
    if (at < 0) {
      if (rest.includes("--version")) {
        io.out(`mcpctl ${MCP_VERSION}\n`);
        return 0;
      }
      if (rest.length === 0 || rest.includes("--help") || rest.includes("-h")) {
        io.out(topHelp());
        return 0;
      }
      throw new UsageError(`no command given`);
    }
    let name = rest[at];
    rest.splice(at, 1);
    if (name === "help") {
      const target = rest.find((a) => !a.startsWith("-"));
      if (!target) {
        io.out(topHelp());
        return 0;
      }
      name = target;
      rest = ["--help"];
    }
    let cmd = commands.find((c) => c.name === name);
    if (!cmd)
      throw new UsageError(
        `unknown command "${name}" for mcpctl; commands: ${commands.map((c) => c.name).join(", ")}`,
      );
    helpPath = cmd.name;
    // Arguments from this index on came after the command words.
    let after = at;
    // Subcommands may nest (`cluster token create`): each level is the next positional argument.
    while (cmd.subcommands?.length) {
      const sat = firstPositional(rest, valueFlags([...globalFlags, ...flagsBelow(cmd)]));
      const sub: Command | undefined =
        sat >= 0 ? cmd.subcommands.find((s) => s.name === rest[sat]) : undefined;
      if (!sub) break;
      rest.splice(sat, 1);
      cmd = sub;
      helpPath = `${helpPath} ${sub.name}`;
      after = Math.max(after, sat);
    }
    if (cmd.trailingFlagAliases) rest = applyTrailingAliases(rest, after, cmd.trailingFlagAliases);
    const parsed = parseFlags([...cmd.flags, ...globalFlags], rest, { allowPositionals: true });
    // A group (no run of its own) given a word that names none of its subcommands.
    if (!parsed.flags.help && !cmd.run && parsed.positionals.length > 0) {
      const names = (cmd.subcommands ?? []).map((s) => s.name).join(", ");
      throw new UsageError(
        `unknown ${helpPath} subcommand "${parsed.positionals[0]}"; subcommands: ${names}`,
      );
    }
    if (parsed.flags.help || !cmd.run) {
      io.out(commandHelp(helpPath, cmd));
      return parsed.flags.help ? 0 : 2;
    }
    inv = new Invocation(io, parsed.flags);
    return await cmd.run(inv, parsed.positionals);
  } catch (e) {
    const { line, exitCode } = describeFailure(e, helpPath ? `mcpctl ${helpPath}` : "mcpctl");
    io.err(`${line}\n`);
    return exitCode;
  } finally {
    inv?.close();
  }
}
