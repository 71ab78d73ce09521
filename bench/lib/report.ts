// What every benchmark's JSON starts with — which benchmark, when, on which Node and machine — the
// check that it runs on the project's Node 24 (npx node), not the system's, and how its main ends.
import { cpus, totalmem } from "node:os";

export function requireNode24(): void {
  const major = Number(process.versions.node.split(".")[0]);
  if (major < 24) throw new Error(`Node ${process.version} is too old: run with npx node (Node 24)`);
}

export function runHeader(benchmark: string, startedAt: string) {
  return {
    benchmark,
    startedAt,
    node: process.version,
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? "",
      memoryMiB: Math.round(totalmem() / 2 ** 20),
    },
  };
}

/**
 * Runs a benchmark's main: exits with the code it returns (or lets the process end when it returns
 * nothing), and with 1 and the stack on stderr when it throws.
 */
export function runBenchmark(name: string, main: () => Promise<unknown>): void {
  main().then(
    (code) => {
      if (typeof code === "number") process.exit(code);
    },
    (e) => {
      process.stderr.write(`${name} bench failed: ${(e as Error).stack ?? e}\n`);
      process.exit(1);
    },
  );
}
