// The agent's memory over its whole life: VmRSS (with its anonymous and file-backed parts) and
// VmHWM from /proc/<pid>/status every few hundred milliseconds, plus the heap the agent reports
// itself (agent-process.ts), so that any span — start-up, loaded, the steady window — can be
// summarised afterwards.
import { readFileSync } from "node:fs";
import { round } from "../lib/latency.ts";
import type { HeapSample } from "./agent-process.ts";

export interface ProcMemory {
  /** performance.now() of the sample. */
  at: number;
  rssMiB: number;
  hwmMiB: number;
  /** Heap, stacks, malloc: what the process itself allocated. */
  anonMiB: number;
  /** Mapped files, mostly the node binary's code pages (shared with other Node processes). */
  fileMiB: number;
}

const FIELDS = { rssMiB: "VmRSS", hwmMiB: "VmHWM", anonMiB: "RssAnon", fileMiB: "RssFile" } as const;

export function readProcMemory(pid: number): ProcMemory {
  const text = readFileSync(`/proc/${pid}/status`, "utf8");
  const out = { at: performance.now() } as ProcMemory;
  for (const [key, field] of Object.entries(FIELDS)) {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, "m").exec(text);
    out[key as keyof typeof FIELDS] = m ? Number(m[1]) / 1024 : 0;
  }
  return out;
}

export class MemoryRecorder {
  readonly samples: ProcMemory[] = [];
  private readonly pid: number;
  private readonly timer: NodeJS.Timeout;

  constructor(pid: number, intervalMs: number) {
    this.pid = pid;
    this.sample();
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Reads now (also ends a span exactly); undefined once the process is gone. */
  sample(): ProcMemory | undefined {
    try {
      const s = readProcMemory(this.pid);
      this.samples.push(s);
      return s;
    } catch {
      return undefined;
    }
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** The samples taken in [from, to] (performance.now() times). */
  between(from: number, to: number): ProcMemory[] {
    return this.samples.filter((s) => s.at >= from && s.at <= to);
  }
}

export interface Spread {
  mean: number;
  min: number;
  max: number;
  last: number;
}

export function spread(values: number[]): Spread {
  if (values.length === 0) return { mean: 0, min: 0, max: 0, last: 0 };
  return {
    mean: round(values.reduce((a, b) => a + b, 0) / values.length),
    min: round(Math.min(...values)),
    max: round(Math.max(...values)),
    last: round(values[values.length - 1]),
  };
}

const MiB = 2 ** 20;

/** RSS and heap over a span: RSS from /proc, heap from the agent's own samples (wall-clock times). */
export function spanSummary(
  recorder: MemoryRecorder,
  heap: HeapSample[],
  span: { from: number; to: number },
) {
  const proc = recorder.between(span.from, span.to);
  // performance.now() → Date.now() for the heap samples the agent stamped with its wall clock.
  const offset = Date.now() - performance.now();
  const inSpan = heap.filter((h) => h.t - offset >= span.from && h.t - offset <= span.to);
  return {
    seconds: round((span.to - span.from) / 1000),
    samples: proc.length,
    rssMiB: spread(proc.map((s) => s.rssMiB)),
    anonMiB: spread(proc.map((s) => s.anonMiB)),
    fileMiB: spread(proc.map((s) => s.fileMiB)),
    hwmMiB: round(proc.at(-1)?.hwmMiB ?? 0),
    ...(inSpan.length
      ? {
          heapUsedMiB: spread(inSpan.map((h) => h.heapUsed / MiB)),
          heapTotalMiB: spread(inSpan.map((h) => h.heapTotal / MiB)),
          externalMiB: spread(inSpan.map((h) => h.external / MiB)),
        }
      : {}),
  };
}

/** One point every `everyS` seconds since spawn, for reading how memory moved. */
export function timeline(recorder: MemoryRecorder, heap: HeapSample[], spawnedAt: number, everyS: number) {
  const offset = Date.now() - performance.now();
  const out: { s: number; rssMiB: number; heapUsedMiB?: number }[] = [];
  let next = 0;
  for (const p of recorder.samples) {
    const s = (p.at - spawnedAt) / 1000;
    if (s < next) continue;
    next = Math.floor(s / everyS) * everyS + everyS;
    const h = heap.findLast((x) => x.t - offset <= p.at);
    out.push({
      s: round(s),
      rssMiB: round(p.rssMiB),
      ...(h ? { heapUsedMiB: round(h.heapUsed / MiB) } : {}),
    });
  }
  return out;
}
