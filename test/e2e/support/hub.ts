// Starts the real mcp-server binary as a child process on a loopback port and stops it again.
// The child runs on this process's Node (Node 24 under `npx node --test`), never through npx or
// bin/mcp-server: a signal sent to a wrapper would not reach the hub, and durability tests
// depend on SIGKILL hitting the process that owns the database.
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

export const REPO_ROOT = resolve(import.meta.dirname, "../../..");
export const SERVER_ENTRY = join(REPO_ROOT, "src/cmd/server.ts");

export interface StartHubOptions {
  /** Reuse a data directory (restarts). Default: a new temporary one, removed by close(). */
  dataDir?: string;
  /** HOST:PORT; default 127.0.0.1:0. A restart passes the previous port to keep URLs valid. */
  listen?: string;
  /** Extra flags for mcp-server. */
  args?: string[];
  /** How long to wait for "MCP hub serving on". Default 30 s (a cold start on 2 busy cores). */
  readyTimeoutMs?: number;
}

export interface HubProcess {
  /** https://127.0.0.1:PORT, as printed by the hub. */
  url: string;
  port: number;
  dataDir: string;
  kubeconfigPath: string;
  caPath: string;
  auditLogPath: string;
  child: ChildProcess;
  /** Everything the hub printed so far (for failure messages). */
  output(): { stdout: string; stderr: string };
  /** Resolves with the exit code (or signal name) once the process has ended. */
  exited: Promise<number | string>;
  /** Stops the hub (SIGTERM, then SIGKILL after 10 s) and removes a data dir it created. */
  close(): Promise<void>;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs mcp-server to completion (for --help, --version, bad flags). */
export function runServer(args: string[], timeoutMs = 20_000): Promise<RunResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [SERVER_ENTRY, ...args], {
      cwd: REPO_ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`mcp-server ${args.join(" ")} did not exit within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

export async function startHub(opts: StartHubOptions = {}): Promise<HubProcess> {
  const ownsDataDir = opts.dataDir === undefined;
  const dataDir = opts.dataDir ?? (await mkdtemp(join(tmpdir(), "mcp-e2e-")));
  const child = spawn(
    process.execPath,
    [
      SERVER_ENTRY,
      "--data",
      dataDir,
      "--listen",
      opts.listen ?? "127.0.0.1:0",
      "--log-level",
      "warn",
      ...(opts.args ?? []),
    ],
    { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
  );
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr!.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  const exited = new Promise<number | string>((r) =>
    child.once("exit", (code, signal) => r(code ?? signal ?? "unknown")),
  );
  const output = () => ({ stdout, stderr });

  let url: string;
  try {
    url = await waitForServing(child, output, exited, opts.readyTimeoutMs ?? 30_000);
  } catch (err) {
    child.kill("SIGKILL");
    await exited;
    if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url,
    port: Number(new URL(url).port),
    dataDir,
    kubeconfigPath: join(dataDir, "hub.kubeconfig"),
    caPath: join(dataDir, "ca.crt"),
    auditLogPath: join(dataDir, "audit.log"),
    child,
    output,
    exited,
    async close() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
        await exited;
        clearTimeout(timer);
      }
      if (ownsDataDir) await rm(dataDir, { recursive: true, force: true });
    },
  };
}

function waitForServing(
  child: ChildProcess,
  output: () => { stdout: string; stderr: string },
  exited: Promise<number | string>,
  timeoutMs: number,
): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const describe = () => `\nstdout:\n${output().stdout}\nstderr:\n${output().stderr}`;
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`mcp-server did not report serving within ${timeoutMs} ms${describe()}`));
    }, timeoutMs);
    const onData = () => {
      const m = /MCP hub serving on (https:\/\/\S+)\r?\n/.exec(output().stdout);
      if (!m) return;
      cleanup();
      resolvePromise(m[1]);
    };
    const cleanup = () => {
      clearTimeout(timer);
      child.stdout!.off("data", onData);
    };
    child.stdout!.on("data", onData);
    exited.then((code) => {
      cleanup();
      reject(new Error(`mcp-server exited (${code}) before serving${describe()}`));
    });
  });
}
