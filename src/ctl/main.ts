// mcpctl's command line: finds the command (and subcommand) among the arguments, parses its flags
// together with the global ones, prints help, runs it, and turns any failure into one line on
// stderr and an exit code (1 for errors, 2 for usage mistakes).
import { type FlagSpec, helpText, parseFlags, UsageError } from "../cli/flags.ts";
import { MCP_VERSION } from "../cli/version.ts";
import { applyCommand } from "./cmd/apply.ts";
import { configCommand } from "./cmd/config.ts";
import { createCommand, replaceCommand } from "./cmd/create.ts";
import { deleteCommand } from "./cmd/delete.ts";
import { describeCommand } from "./cmd/describe.ts";
import { getCommand } from "./cmd/get.ts";
import { apiResourcesCommand, versionCommand } from "./cmd/info.ts";
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
  apiResourcesCommand,
  configCommand,
  versionCommand,
];

const SUMMARY =
  "mcpctl controls the MCP hub: the fleet's clusters, policies, rollouts and the workloads they place.";

export function topHelp(): string {
  const width = Math.max(...commands.map((c) => c.name.length)) + 3;
  const list = commands
    .map((c) => `  ${c.name.padEnd(width)}${c.summary.split(". ")[0].replace(/\.$/, "")}`)
    .join("\n");
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
      .map((s) => `  ${s.name.padEnd(width)}${s.summary}`)
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

const allSpecs = (): FlagSpec[] => [
  ...globalFlags,
  ...commands.flatMap((c) => [...c.flags, ...(c.subcommands ?? []).flatMap((s) => s.flags)]),
];

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
    if (cmd.subcommands?.length) {
      const sat = firstPositional(
        rest,
        valueFlags([...globalFlags, ...cmd.flags, ...cmd.subcommands.flatMap((s) => s.flags)]),
      );
      const sub = sat >= 0 ? cmd.subcommands.find((s) => s.name === rest[sat]) : undefined;
      if (sub) {
        rest.splice(sat, 1);
        cmd = sub;
        helpPath = `${helpPath} ${sub.name}`;
      }
    }
    const parsed = parseFlags([...cmd.flags, ...globalFlags], rest, { allowPositionals: true });
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
