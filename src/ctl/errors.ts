// The errors mcpctl reports: every failure becomes one line on stderr and a non-zero exit code,
// worded like kubectl's ("Error from server (NotFound): ..."), never a stack trace.
import { UsageError } from "../cli/flags.ts";

/** A Kubernetes Status as the hub returns it for a failed request. */
export interface Status {
  kind?: string;
  apiVersion?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: {
    name?: string;
    group?: string;
    kind?: string;
    causes?: { reason?: string; message?: string; field?: string }[];
  };
}

/** A failure the user can act on, already worded for them; printed as `error: <message>`. */
export class CtlError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CtlError";
  }
}

/** The hub answered with an error Status. */
export class ApiError extends Error {
  readonly status: Status;
  readonly code: number;
  constructor(code: number, status: Status) {
    super(statusLine(code, status));
    this.name = "ApiError";
    this.code = code;
    this.status = status;
  }
  get reason(): string {
    return this.status.reason ?? "";
  }
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.code === 404;

/** Collapses a possibly multi-line message so every error stays on one line. */
export function oneLine(text: string): string {
  return text
    .split(/\r?\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .join("; ");
}

function statusLine(code: number, status: Status): string {
  const reason = status.reason || `HTTP ${code}`;
  if (code === 401) return "error: you must be logged in to the hub (Unauthorized)";
  let message = status.message || reason;
  // Some servers leave the field errors out of the message; they are the useful part.
  const causes = (status.details?.causes ?? []).filter((c) => c.message && !message.includes(c.message));
  if (causes.length > 0) {
    message += `: ${causes.map((c) => (c.field ? `${c.field}: ${c.message}` : c.message)).join(", ")}`;
  }
  return `Error from server (${reason}): ${oneLine(message)}`;
}

/** The line printed for an error that reached the top of a command, and the exit code to use. */
export function describeFailure(e: unknown, program = "mcpctl"): { line: string; exitCode: number } {
  if (e instanceof ApiError) return { line: e.message, exitCode: 1 };
  if (e instanceof UsageError) {
    // node:util parseArgs explains how to pass "--x" as a positional; the flag name is what matters.
    const message = e.message.replace(/^Unknown option '([^']+)'[\s\S]*$/, "unknown flag $1");
    return { line: `error: ${oneLine(message)} (see '${program} --help')`, exitCode: 2 };
  }
  const message = e instanceof Error ? e.message : String(e);
  return { line: `error: ${oneLine(message.replace(/^error: /, ""))}`, exitCode: 1 };
}

/** The text for one error among several (apply/delete of many objects), prefixed with where it came from. */
export function errorText(e: unknown): string {
  if (e instanceof ApiError) return e.message;
  return oneLine(e instanceof Error ? e.message : String(e));
}
