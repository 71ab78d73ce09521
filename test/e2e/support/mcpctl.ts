// Runs the real mcpctl (src/cmd/ctl.ts) as a child process on this process's Node, against one
// hub kubeconfig, and returns what a user sees: stdout, stderr and the exit code. MCPCONFIG is
// cleared so the developer's environment never picks the hub.

import { join } from "node:path";
import { REPO_ROOT } from "./hub.ts";
import { runToCompletion } from "./run.ts";

export const CTL_ENTRY = join(REPO_ROOT, "src/cmd/ctl.ts");

export interface CtlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CtlOptions {
  /** Written to stdin (for `-f -`); stdin is closed either way. */
  input?: string;
  timeoutMs?: number;
}

/** `mcpctl --kubeconfig HUB args...`; never throws on a non-zero exit (tests assert on it). */
export function mcpctl(hubKubeconfig: string, args: string[], opts: CtlOptions = {}): Promise<CtlResult> {
  const env = { ...process.env };
  delete env.MCPCONFIG;
  return runToCompletion(process.execPath, [CTL_ENTRY, "--kubeconfig", hubKubeconfig, ...args], {
    cwd: REPO_ROOT,
    env,
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 60_000,
    label: `mcpctl ${args.join(" ")}`,
  });
}

/** mcpctl that must succeed: returns stdout, or throws with everything it printed. */
export async function mcpctlOk(
  hubKubeconfig: string,
  args: string[],
  opts: CtlOptions = {},
): Promise<string> {
  const r = await mcpctl(hubKubeconfig, args, opts);
  if (r.code !== 0)
    throw new Error(`mcpctl ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}
