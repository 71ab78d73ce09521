// Runs the real kubectl (/usr/bin/kubectl) against a hub with KUBECONFIG set, one-shot or as a
// long-running watch. Each kubeconfig gets its own discovery cache (beside the kubeconfig), so
// one test's CRDs or a previous hub on the same port never leak into another's discovery.
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { runToCompletion } from "./run.ts";

export const KUBECTL = process.env.KUBECTL ?? "/usr/bin/kubectl";

export interface KubectlResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface KubectlOptions {
  kubeconfig: string;
  /** Written to kubectl's stdin (for `-f -`); stdin is closed either way so nothing prompts. */
  input?: string;
  timeoutMs?: number;
  /** kubectl's discovery cache; default: .kube-cache beside the kubeconfig (which may not be ours to write to). */
  cacheDir?: string;
}

function kubectlEnv(kubeconfig: string): NodeJS.ProcessEnv {
  return { ...process.env, KUBECONFIG: kubeconfig };
}

function cacheFlag(opts: KubectlOptions): string {
  return `--cache-dir=${opts.cacheDir ?? join(dirname(opts.kubeconfig), ".kube-cache")}`;
}

/** Runs kubectl to completion; never throws on a non-zero exit (tests assert on it). */
export function kubectl(args: string[], opts: KubectlOptions): Promise<KubectlResult> {
  return runToCompletion(KUBECTL, [cacheFlag(opts), ...args], {
    env: kubectlEnv(opts.kubeconfig),
    input: opts.input,
    timeoutMs: opts.timeoutMs ?? 30_000,
    label: `kubectl ${args.join(" ")}`,
  });
}

/** kubectl that must succeed: returns stdout, or throws with everything kubectl printed. */
export async function kubectlOk(args: string[], opts: KubectlOptions): Promise<string> {
  const r = await kubectl(args, opts);
  if (r.code !== 0)
    throw new Error(`kubectl ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return r.stdout;
}

/**
 * kubectl that must succeed, retried while the server answers Conflict. `kubectl replace` without
 * a resourceVersion in the file reads the live one first, so a controller's status write between
 * that read and the PUT fails it, against kube-apiserver as against the hub; scripts retry.
 */
export async function kubectlOkRetryingConflicts(
  args: string[],
  opts: KubectlOptions,
  attempts = 5,
): Promise<string> {
  for (let i = 1; ; i++) {
    const r = await kubectl(args, opts);
    if (r.code === 0) return r.stdout;
    if (i >= attempts || !/\(Conflict\)/.test(r.stderr))
      throw new Error(`kubectl ${args.join(" ")} exited ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  }
}

export interface KubectlWatch {
  /** Lines printed so far. */
  lines(): string[];
  /** Resolves with the first line (so far or later) matching pred. */
  waitForLine(pred: (line: string) => boolean, timeoutMs?: number): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a long-running kubectl (e.g. `get -w`) and collects its output lines. */
export function kubectlWatch(args: string[], opts: KubectlOptions): KubectlWatch {
  const child = spawn(KUBECTL, [cacheFlag(opts), ...args], {
    env: kubectlEnv(opts.kubeconfig),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const listeners = new Set<() => void>();
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
    for (const l of listeners) l();
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const closed = new Promise<void>((r) => child.once("close", () => r()));
  // Only whole lines: a pipe read can end in the middle of a row kubectl is still writing.
  const lines = () =>
    stdout
      .slice(0, stdout.lastIndexOf("\n") + 1)
      .split("\n")
      .filter((l) => l.trim() !== "");
  return {
    lines,
    waitForLine(pred, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const hit = lines().find(pred);
          if (hit === undefined) return;
          done();
          resolve(hit);
        };
        const timer = setTimeout(() => {
          done();
          reject(
            new Error(
              `kubectl ${args.join(" ")}: no matching line in ${timeoutMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
            ),
          );
        }, timeoutMs);
        const done = () => {
          clearTimeout(timer);
          listeners.delete(check);
        };
        listeners.add(check);
        check();
      });
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      await closed;
    },
  };
}
