// Resource use of another process (the hub) read from /proc, so the numbers cover the server
// alone and not the load generator: CPU from utime+stime in /proc/<pid>/stat, memory from VmRSS
// in /proc/<pid>/status, sampled while a phase runs to catch its peak.
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { round } from "./latency.ts";

export interface ProcUsage {
  /** CPU time used during the phase, user + system. */
  cpuSeconds: number;
  /** cpuSeconds over wall time, in percent of one core (can exceed 100 with helper threads). */
  cpuPercent: number;
  rssMiB: number;
  rssMaxMiB: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
    } catch {
      ticksPerSecond = 100; // Linux's USER_HZ on every common architecture.
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) the process has used so far. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  // The command name (field 2) may contain spaces; fields are counted after its closing paren.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / clockTicks(); // utime, stime (fields 14, 15)
}

/** Resident set size in MiB. */
export function rssMiB(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Number(m[1]) / 1024 : 0;
}

/** Measures one process across a phase: call stop() when the phase ends. */
export function sampleProcess(pid: number, intervalMs = 100): { stop(): ProcUsage } {
  const t0 = performance.now();
  const cpu0 = cpuSeconds(pid);
  let rssMax = rssMiB(pid);
  const timer = setInterval(() => {
    rssMax = Math.max(rssMax, rssMiB(pid));
  }, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const wall = (performance.now() - t0) / 1000;
      const cpu = cpuSeconds(pid) - cpu0;
      const rss = rssMiB(pid);
      return {
        cpuSeconds: round(cpu),
        cpuPercent: round(wall > 0 ? (cpu / wall) * 100 : 0),
        rssMiB: round(rss),
        rssMaxMiB: round(Math.max(rssMax, rss)),
      };
    },
  };
}

/** The same for this process (the client), from process.cpuUsage(). */
export function sampleSelf(): { stop(): { cpuSeconds: number; cpuPercent: number } } {
  const t0 = performance.now();
  const u0 = process.cpuUsage();
  return {
    stop() {
      const wall = (performance.now() - t0) / 1000;
      const u = process.cpuUsage(u0);
      const cpu = (u.user + u.system) / 1e6;
      return { cpuSeconds: round(cpu), cpuPercent: round(wall > 0 ? (cpu / wall) * 100 : 0) };
    },
  };
}

/** Busy and total CPU seconds of the whole machine, all cores, from /proc/stat. */
function machineCpu(): { busy: number; total: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n", 1)[0];
  // cpu user nice system idle iowait irq softirq steal ...
  const f = line.trim().split(/\s+/).slice(1).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  const idle = f[3] + (f[4] ?? 0);
  return { busy: (total - idle) / clockTicks(), total: total / clockTicks() };
}

/**
 * The whole machine's CPU over a phase, in percent of one core (200 = both cores of a 2-core
 * machine busy): on a shared machine, what other processes took shows up as busy time that is
 * none of the benchmark's.
 */
export function sampleMachine(): { stop(): { cpuPercent: number; loadAverage1m: number } } {
  const t0 = performance.now();
  const c0 = machineCpu();
  return {
    stop() {
      const wall = (performance.now() - t0) / 1000;
      const busy = machineCpu().busy - c0.busy;
      return {
        cpuPercent: round(wall > 0 ? (busy / wall) * 100 : 0),
        loadAverage1m: round(loadavg()[0]),
      };
    },
  };
}
