// mcp-diag's options: declared once (flag, default, help), compiled and validated once into
// ScanOptions before anything touches a cluster, so a typo is a usage error (exit 2), never a
// half-run scan.
import { type FlagSpec, type FlagValue, HELP_FLAG, UsageError, VERSION_FLAG } from "../cli/flags.ts";
import { AREAS } from "./checks/index.ts";
import type { Area, Check, Severity } from "./types.ts";

export type OutputFormat = "table" | "json" | "sarif";
export type FailOn = "warning" | "error" | "none";

export const scanFlags: FlagSpec[] = [
  {
    name: "kubeconfig",
    type: "string",
    description: "kubeconfig of the cluster to scan (default $KUBECONFIG, then ~/.kube/config)",
  },
  { name: "context", type: "string", description: "kubeconfig context to use (default its current context)" },
  {
    name: "target-version",
    type: "string",
    description: "pre-upgrade mode: report what blocks an upgrade to this Kubernetes version, e.g. 1.30",
  },
  {
    name: "checks",
    type: "list",
    description: `run only these areas or check codes (${AREAS.join(", ")}; or e.g. MCP-NET-003)`,
  },
  { name: "output", short: "o", type: "string", default: "table", description: "table, json or sarif" },
  {
    name: "fail-on",
    type: "string",
    default: "error",
    description: "exit 1 when a finding is at least this severe: warning, error or none",
  },
  {
    name: "timeout",
    type: "duration",
    default: "60s",
    description: "give up reading the cluster after this long",
  },
  { name: "concurrency", type: "int", default: "4", description: "API requests in flight at once" },
  HELP_FLAG,
  VERSION_FLAG,
];

export const checksFlags: FlagSpec[] = [
  { name: "output", short: "o", type: "string", default: "table", description: "table or json" },
  HELP_FLAG,
  VERSION_FLAG,
];

export interface ScanOptions {
  /** undefined: $KUBECONFIG or ~/.kube/config, as kubectl does. */
  kubeconfig?: string;
  context?: string;
  /** MAJOR.MINOR. */
  targetVersion?: string;
  /** The checks to run (all when --checks is absent). */
  checks: Check[];
  output: OutputFormat;
  failOn: FailOn;
  timeoutMs: number;
  concurrency: number;
}

export function compileScanOptions(f: Record<string, FlagValue>, all: Check[]): ScanOptions {
  const output = String(f.output);
  if (!["table", "json", "sarif"].includes(output))
    throw new UsageError(`-o must be table, json or sarif, got "${output}"`);
  const failOn = String(f["fail-on"]);
  if (!["warning", "error", "none"].includes(failOn))
    throw new UsageError(`--fail-on must be warning, error or none, got "${failOn}"`);
  const timeoutMs = f.timeout as number;
  if (timeoutMs <= 0) throw new UsageError("--timeout must be more than 0");
  const concurrency = f.concurrency as number;
  if (concurrency < 1 || concurrency > 64) throw new UsageError("--concurrency must be from 1 to 64");
  return {
    kubeconfig: f.kubeconfig === undefined ? undefined : String(f.kubeconfig),
    context: f.context === undefined ? undefined : String(f.context),
    targetVersion: f["target-version"] === undefined ? undefined : targetVersion(String(f["target-version"])),
    checks: selectChecks(all, (f.checks as string[] | undefined) ?? []),
    output: output as OutputFormat,
    failOn: failOn as FailOn,
    timeoutMs,
    concurrency,
  };
}

/** "1.30", "v1.30" and "1.30.2" all mean the 1.30 minor. */
export function targetVersion(text: string): string {
  const m = /^v?(\d+)\.(\d+)(?:\.\d+)?$/.exec(text.trim());
  if (!m) throw new UsageError(`--target-version takes a Kubernetes version such as 1.30, got "${text}"`);
  return `${Number(m[1])}.${Number(m[2])}`;
}

/** The checks named by areas and/or codes, in registry order; all of them when none are named. */
export function selectChecks(all: Check[], selectors: string[]): Check[] {
  if (selectors.length === 0) return all;
  const areas = new Set<Area>();
  const codes = new Set<string>();
  for (const s of selectors) {
    if ((AREAS as string[]).includes(s.toLowerCase())) areas.add(s.toLowerCase() as Area);
    else if (all.some((c) => c.code === s.toUpperCase())) codes.add(s.toUpperCase());
    else
      throw new UsageError(
        `--checks: "${s}" is neither an area (${AREAS.join(", ")}) nor a check code (see mcp-diag checks)`,
      );
  }
  return all.filter((c) => areas.has(c.area) || codes.has(c.code));
}

const RANK: Record<Severity, number> = { info: 0, warning: 1, error: 2 };

/** Whether the findings fail the run under --fail-on. */
export function failsOn(failOn: FailOn, severities: Severity[]): boolean {
  if (failOn === "none") return false;
  return severities.some((s) => RANK[s] >= RANK[failOn]);
}
