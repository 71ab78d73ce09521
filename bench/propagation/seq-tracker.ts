// When each of N members (clusters) first showed a probe sequence number: the watches report what
// they see (observe), and a measured write asks for every member's arrival time of its number
// (expect), counted from just before the write. A member that has not shown it by the deadline is
// missing for that write.

export interface Arrivals {
  /** Milliseconds from t0 to the arrival, one per member that showed it, in arrival order. */
  latenciesMs: number[];
  /** The same by member index (undefined: missing). */
  byMember: (number | undefined)[];
  /** Members that had not shown it by the deadline. */
  missing: string[];
}

export interface Expectation {
  /** Sets t0 (performance.now(), just before the write); members already there count at once. */
  setStart(t0: number): void;
  /** Moves the deadline to `ms` from now (waiting for a later stage once an earlier one is in). */
  cutOff(ms: number): void;
  arrivals: Promise<Arrivals>;
}

interface Pending {
  seq: number;
  t0: number;
  byMember: (number | undefined)[];
  latenciesMs: number[];
  remaining: number;
  done(): void;
}

export class SeqTracker {
  readonly names: string[];
  /** The highest sequence number each member has shown (-1: none yet). */
  private readonly seen: number[];
  private pending: Pending | undefined;

  constructor(names: string[]) {
    this.names = names;
    this.seen = names.map(() => -1);
  }

  /** Member i showed sequence number seq at `now` (performance.now()). */
  observe(i: number, seq: number, now: number): void {
    if (!Number.isInteger(seq) || seq <= this.seen[i]) return;
    this.seen[i] = seq;
    const p = this.pending;
    if (p && seq >= p.seq && !Number.isNaN(p.t0)) this.arrive(p, i, now);
  }

  /** Call before the write; arrivals resolve once every member shows `seq` or at the deadline. */
  expect(seq: number, timeoutMs: number): Expectation {
    let done!: () => void;
    const finished = new Promise<void>((r) => {
      done = r;
    });
    const p: Pending = {
      seq,
      t0: Number.NaN,
      byMember: this.names.map(() => undefined),
      latenciesMs: [],
      remaining: this.names.length,
      done,
    };
    this.pending = p;
    let timer = setTimeout(done, timeoutMs);
    const arrivals = finished.then(() => {
      clearTimeout(timer);
      if (this.pending === p) this.pending = undefined;
      const missing = this.names.filter((_, i) => p.byMember[i] === undefined);
      return { latenciesMs: p.latenciesMs, byMember: p.byMember, missing };
    });
    return {
      setStart: (t0) => {
        p.t0 = t0;
        this.seen.forEach((s, i) => {
          if (s >= seq) this.arrive(p, i, t0);
        });
      },
      cutOff: (ms) => {
        clearTimeout(timer);
        timer = setTimeout(done, ms);
      },
      arrivals,
    };
  }

  private arrive(p: Pending, i: number, now: number): void {
    if (p.byMember[i] !== undefined) return;
    const ms = now - p.t0;
    p.byMember[i] = ms;
    p.latenciesMs.push(ms);
    if (--p.remaining === 0) p.done();
  }
}
