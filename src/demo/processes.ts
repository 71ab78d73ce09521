// Child processes of the demo: each MCP binary runs on this Node (the pinned Node 24), its output
// is kept for diagnosis, and it can wait for a line that says it is ready.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface Proc {
  name: string;
  child: ChildProcess;
  /** Resolves with the first match of `re` in stdout's whole lines, rejects if the process exits first. */
  waitFor(re: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  stop(): Promise<void>;
  output(): string;
}

/** Starts `src/cmd/<entry>.ts`; `env` adds variables (secrets go there, not on the command line). */
export function startBinary(
  name: string,
  entry: string,
  args: string[],
  env: Record<string, string> = {},
): Proc {
  const child = spawn(process.execPath, [`${REPO_ROOT}src/cmd/${entry}.ts`, ...args], {
    cwd: process.cwd(),
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (out += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (out += d));
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  return {
    name,
    child,
    output: () => out,
    waitFor(re, timeoutMs) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => finish(new Error(`${name} did not start within ${timeoutMs / 1000}s`)),
          timeoutMs,
        );
        const check = () => {
          // Whole lines only: a pipe read can end in the middle of the line being written.
          const m = out.slice(0, out.lastIndexOf("\n") + 1).match(re);
          if (m) finish(undefined, m);
        };
        const onExit = () =>
          finish(new Error(`${name} exited during start-up:\n${out.split("\n").slice(-15).join("\n")}`));
        const finish = (err?: Error, m?: RegExpMatchArray) => {
          clearTimeout(timer);
          child.stdout!.off("data", check);
          child.off("exit", onExit);
          if (err) reject(err);
          else resolve(m!);
        };
        child.stdout!.on("data", check);
        child.once("exit", onExit);
        check();
      });
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const kill = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(kill);
    },
  };
}
