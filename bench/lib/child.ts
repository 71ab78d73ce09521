// A benchmark's child processes (the hub, mcp-sim, the agent fleet): each is started on this
// bench's Node, counts as ready once its stdout prints an expected line, and is stopped with
// SIGTERM — SIGKILL after a grace period — so that it can write its state or --cpu-prof profile.
import type { ChildProcess } from "node:child_process";

export interface AwaitOutputOptions {
  /** How the child is named in errors ("mcp-server"). */
  what: string;
  /** Matched against everything the child printed so far; the first match means ready. */
  ready: RegExp;
  timeoutMs: number;
  /** The child's log, named in errors for the post-mortem. */
  logPath: string;
  /** Sees each stdout chunk while waiting (progress lines). */
  onChunk?(chunk: string): void;
}

/**
 * Resolves with the match once the child prints `ready`; fails if it exits first or after
 * timeoutMs (the caller kills it). Afterwards stdout keeps draining, so the child never blocks
 * on a full pipe.
 */
export function awaitOutput(child: ChildProcess, o: AwaitOutputOptions): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => fail(`${o.what} was not ready within ${o.timeoutMs} ms`), o.timeoutMs);
    const fail = (msg: string) => {
      clearTimeout(timer);
      reject(new Error(`${msg}; see ${o.logPath}`));
    };
    child.once("exit", (code, signal) => fail(`${o.what} exited with ${code ?? signal} before it was ready`));
    child.stdout!.setEncoding("utf8");
    child.stdout!.on("data", (chunk: string) => {
      out += chunk;
      o.onChunk?.(chunk);
      const m = o.ready.exec(out);
      if (!m) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      child.stdout!.removeAllListeners("data");
      child.stdout!.resume();
      resolve(m);
    });
  });
}

/** SIGTERM, then SIGKILL after graceMs; resolves once the child has exited. */
export async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((r) => child.once("exit", () => r()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}
