// Everything a benchmark run started (processes, connections, temp dirs), undone in reverse order
// whatever happened: on success, on failure, and on SIGINT/SIGTERM to the benchmark itself.
import { readFile } from "node:fs/promises";
import { progress } from "./phase.ts";

export class Teardown {
  private readonly steps: { what: string; run: () => unknown }[] = [];

  add(what: string, run: () => unknown): void {
    this.steps.push({ what, run });
  }

  /** Runs every step, last added first; a failing step is reported and the rest still run. */
  async run(): Promise<void> {
    for (let s = this.steps.pop(); s; s = this.steps.pop()) {
      try {
        await s.run();
      } catch (e) {
        progress(`cleanup: ${s.what} failed: ${(e as Error).message}`);
      }
    }
  }
}

/** On SIGINT or SIGTERM to the benchmark itself, its children and temp dirs go too (exit 130). */
export function tearDownOnSignals(teardown: Teardown): void {
  for (const signal of ["SIGINT", "SIGTERM"] as const)
    process.once(signal, () => {
      progress(`${signal}: cleaning up`);
      void teardown.run().finally(() => process.exit(130));
    });
}

/** The last lines of a log, for a post-mortem printed before the log is deleted. */
export async function logTail(path: string, lines = 15): Promise<string> {
  try {
    return (await readFile(path, "utf8")).trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "(no log)";
  }
}
