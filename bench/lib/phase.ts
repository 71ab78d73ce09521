// One benchmark phase: wall time, the hub's CPU and memory during it (from /proc) and this
// client's own CPU, so a result can show whether the server or the load generator was the limit.
import { round } from "./latency.ts";
import { type ProcUsage, sampleProcess, sampleSelf } from "./proc-stats.ts";

export interface PhaseUsage {
  wallMs: number;
  server: ProcUsage;
  client: { cpuSeconds: number; cpuPercent: number };
}

/** Progress goes to stderr: stdout carries only the final JSON. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

export async function measurePhase<T extends object>(
  name: string,
  serverPid: number,
  run: () => Promise<T>,
): Promise<T & PhaseUsage> {
  progress(`${name}: start`);
  const server = sampleProcess(serverPid);
  const client = sampleSelf();
  const t0 = performance.now();
  // The samplers are stopped on failure too, or their timers would keep the process alive.
  const finish = (): PhaseUsage => ({
    wallMs: round(performance.now() - t0),
    server: server.stop(),
    client: client.stop(),
  });
  let result: T;
  try {
    result = await run();
  } catch (e) {
    finish();
    throw e;
  }
  const usage = finish();
  progress(
    `${name}: done in ${usage.wallMs.toFixed(0)} ms, server CPU ${usage.server.cpuPercent.toFixed(0)}%`,
  );
  return { ...result, ...usage };
}
