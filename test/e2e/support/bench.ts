// Runs one of the benchmarks (bench/<name>.bench.ts) as the smoke tests do: on this Node, with this
// environment plus the test's sizes and switches, output collected. The limit only stops a hung run.
import { fileURLToPath } from "node:url";
import { type RunResult, runToCompletion } from "./run.ts";

export function runBench(name: string, env: Record<string, string>, timeoutMs: number): Promise<RunResult> {
  const bench = fileURLToPath(new URL(`../../../bench/${name}.bench.ts`, import.meta.url));
  return runToCompletion(process.execPath, [bench], {
    env: { ...process.env, ...env },
    timeoutMs,
    label: `${name} benchmark`,
  });
}
