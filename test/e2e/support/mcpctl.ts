// Runs the real mcpctl (src/cmd/ctl.ts) as a child process on this process's Node, against one
// hub kubeconfig, and returns what a user sees: stdout, stderr and the exit code. MCPCONFIG is
// cleared so the developer's environment never picks the hub.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { REPO_ROOT } from "./hub.ts";

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
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CTL_ENTRY, "--kubeconfig", hubKubeconfig, ...args], {
      cwd: REPO_ROOT,
      env,
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timeoutMs = opts.timeoutMs ?? 60_000;
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`mcpctl ${args.join(" ")} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(opts.input ?? "");
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
