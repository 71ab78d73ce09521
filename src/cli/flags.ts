// Flag parsing shared by every binary: one declaration per flag (name, type, default, help),
// from which parsing, defaults, validation and the --help text all come.
import { parseArgs } from "node:util";
import { parseDuration } from "./duration.ts";

export type FlagType = "string" | "boolean" | "int" | "duration" | "list";

export interface FlagSpec {
  name: string;
  type: FlagType;
  description: string;
  /** The value when the flag is absent, as text (shown in --help). */
  default?: string;
  short?: string;
  /** An environment variable that supplies the value when the flag is absent. */
  env?: string;
  /** May be given more than once (list type only). */
  multiple?: boolean;
}

/** The flags every binary has. */
export const HELP_FLAG: FlagSpec = {
  name: "help",
  type: "boolean",
  short: "h",
  description: "show this help",
};
export const VERSION_FLAG: FlagSpec = {
  name: "version",
  type: "boolean",
  description: "print the version and exit",
};
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "fatal", "silent"];

export function logLevelFlag(defaultLevel: string): FlagSpec {
  return {
    name: "log-level",
    type: "string",
    default: defaultLevel,
    description: "trace, debug, info, warn, error or silent",
  };
}

/** The --log-level value, checked against pino's levels. */
export function compileLogLevel(f: Record<string, FlagValue>): string {
  const level = String(f["log-level"]);
  if (!LOG_LEVELS.includes(level))
    throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(", ")}`);
  return level;
}

export type FlagValue = string | boolean | number | string[] | undefined;

export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

export interface ParsedArgs {
  flags: Record<string, FlagValue>;
  positionals: string[];
}

function convert(spec: FlagSpec, raw: string | boolean | (string | boolean)[] | undefined): FlagValue {
  if (raw === undefined) return undefined;
  const text = (v: string | boolean) => String(v);
  switch (spec.type) {
    case "boolean":
      return raw === true || raw === "true";
    case "int": {
      const n = Number(text(raw as string));
      if (!Number.isInteger(n)) throw new UsageError(`--${spec.name} takes a whole number, got "${raw}"`);
      return n;
    }
    case "duration": {
      const ms = parseDuration(text(raw as string));
      if (ms === undefined)
        throw new UsageError(`--${spec.name} takes a duration such as 30s, 5m or 1h, got "${raw}"`);
      return ms;
    }
    case "list": {
      const items = Array.isArray(raw) ? raw.map(text) : [text(raw)];
      return items
        .flatMap((s) => s.split(","))
        .map((s) => s.trim())
        .filter((s) => s !== "");
    }
    default:
      return Array.isArray(raw) ? text(raw[raw.length - 1]) : text(raw);
  }
}

export function parseFlags(
  specs: FlagSpec[],
  argv: string[],
  opts: { allowPositionals?: boolean } = {},
): ParsedArgs {
  const options: Record<string, { type: "string" | "boolean"; short?: string; multiple?: boolean }> = {};
  for (const s of specs)
    options[s.name] = {
      type: s.type === "boolean" ? "boolean" : "string",
      ...(s.short ? { short: s.short } : {}),
      multiple: s.type === "list" || s.multiple === true,
    };
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: argv,
      options,
      strict: true,
      allowPositionals: opts.allowPositionals ?? false,
      allowNegative: true,
    });
  } catch (e) {
    throw new UsageError((e as Error).message.replace(/^TypeError \[[A-Z_]+\]: /, ""));
  }
  const flags: Record<string, FlagValue> = {};
  for (const s of specs) {
    let raw = parsed.values[s.name] as string | boolean | (string | boolean)[] | undefined;
    if (raw === undefined && s.env && process.env[s.env] !== undefined) raw = process.env[s.env];
    if (raw === undefined && s.default !== undefined)
      raw = s.type === "boolean" ? s.default === "true" : s.default;
    flags[s.name] = convert(s, raw);
  }
  return { flags, positionals: parsed.positionals };
}

export function helpText(usage: string, summary: string, specs: FlagSpec[]): string {
  const rows = specs.map((s) => {
    const name = `${s.short ? `-${s.short}, ` : "    "}--${s.name}${s.type === "boolean" ? "" : ` ${s.type === "list" ? "LIST" : s.type.toUpperCase()}`}`;
    const extra = [
      s.default !== undefined && s.default !== "" ? `default ${s.default}` : "",
      s.env ? `env ${s.env}` : "",
    ]
      .filter(Boolean)
      .join("; ");
    return { name, text: `${s.description}${extra ? ` (${extra})` : ""}` };
  });
  const width = Math.max(...rows.map((r) => r.name.length)) + 2;
  return `${summary}\n\nUsage:\n  ${usage}\n\nFlags:\n${rows.map((r) => `  ${r.name.padEnd(width)}${r.text}`).join("\n")}\n`;
}
