// What every benchmark's JSON starts with — which benchmark, when, on which Node and machine — and
// the check that it runs on the project's Node 24 (npx node), not the system's.
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
