// One timer for the whole fleet: periodic work of every simulated cluster (node heartbeats,
// store compaction) is registered here instead of each cluster holding its own timers, so
// 1,000 clusters cost one armed timer and a heap of small entries. Runs of one task never
// overlap, and at most `concurrency` runs are in flight so a burst of due tasks is smoothed.
import { MinHeap } from "../util/min-heap.ts";

export interface PeriodicTask {
  /** Runs the task as soon as possible (e.g. a fault changed what it should write). */
  poke(): void;
  cancel(): void;
}

export interface SchedulerOptions {
  /** Runs in flight at once. Default 32. */
  concurrency?: number;
  /** Called with a run's error; the task keeps its schedule. */
  onError?: (err: unknown, task: string) => void;
}

interface Task {
  name: string;
  intervalMs: number;
  run: () => Promise<void>;
  /** Bumped on every reschedule; heap entries with an older seq are stale. */
  seq: number;
  running: boolean;
  /** A poke arrived while it was running: run again right after. */
  again: boolean;
  cancelled: boolean;
}

interface Entry {
  due: number;
  seq: number;
  task: Task;
}

export class SimScheduler {
  private readonly heap = new MinHeap<Entry>((e) => e.due);
  private readonly ready: Task[] = [];
  private readonly concurrency: number;
  private readonly onError: (err: unknown, task: string) => void;
  private inFlight = 0;
  private timer?: NodeJS.Timeout;
  private timerDue = Number.POSITIVE_INFINITY;
  private stopped = false;

  constructor(opts: SchedulerOptions = {}) {
    this.concurrency = opts.concurrency ?? 32;
    this.onError = opts.onError ?? (() => {});
  }

  /**
   * Runs `run` every `intervalMs`, first after `firstDelayMs` (default: a random point in the
   * first interval, so tasks registered together spread out instead of firing in one burst).
   */
  every(
    name: string,
    intervalMs: number,
    run: () => Promise<void>,
    opts: { firstDelayMs?: number } = {},
  ): PeriodicTask {
    const task: Task = { name, intervalMs, run, seq: 0, running: false, again: false, cancelled: false };
    this.schedule(task, Date.now() + (opts.firstDelayMs ?? Math.random() * intervalMs));
    return {
      poke: () => {
        if (task.cancelled) return;
        if (task.running) task.again = true;
        else this.schedule(task, Date.now());
      },
      cancel: () => {
        task.cancelled = true;
        task.seq++;
      },
    };
  }

  /** Cancels the timer; tasks in flight finish, none start. */
  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(task: Task, due: number): void {
    if (this.stopped || task.cancelled) return;
    task.seq++;
    this.heap.push({ due, seq: task.seq, task });
    this.arm();
  }

  private arm(): void {
    const next = this.heap.peek();
    if (!next || this.stopped || next.due >= this.timerDue) return;
    clearTimeout(this.timer);
    this.timerDue = next.due;
    this.timer = setTimeout(() => this.fire(), Math.max(0, next.due - Date.now()));
    // The fleet's listeners keep the process alive; a forgotten scheduler must not.
    this.timer.unref();
  }

  private fire(): void {
    this.timer = undefined;
    this.timerDue = Number.POSITIVE_INFINITY;
    const now = Date.now();
    while ((this.heap.peek()?.due ?? Number.POSITIVE_INFINITY) <= now) {
      const e = this.heap.pop()!;
      if (e.seq === e.task.seq && !e.task.cancelled) this.ready.push(e.task);
    }
    this.drain();
    this.arm();
  }

  private drain(): void {
    while (this.inFlight < this.concurrency && this.ready.length > 0 && !this.stopped) {
      const task = this.ready.shift()!;
      if (task.cancelled) continue;
      this.inFlight++;
      task.running = true;
      const started = Date.now();
      task
        .run()
        .catch((err) => this.onError(err, task.name))
        .finally(() => {
          this.inFlight--;
          task.running = false;
          const again = task.again;
          task.again = false;
          this.schedule(task, again ? Date.now() : Math.max(Date.now(), started + task.intervalMs));
          this.drain();
        });
    }
  }
}
