// Jittered exponential backoff for reconnecting to the hub. The jitter keeps a fleet of agents
// from reconnecting in lock-step after a hub restart (a thundering herd on the new process).
import type { BackoffOptions } from "./options.ts";

export class Backoff {
  private readonly opts: BackoffOptions;
  private readonly random: () => number;
  private attempt = 0;

  constructor(opts: BackoffOptions, random: () => number = Math.random) {
    this.opts = opts;
    this.random = random;
  }

  /** The next delay: initialMs doubling up to maxMs, each within ±20%. */
  next(): number {
    const base = Math.min(this.opts.maxMs, this.opts.initialMs * 2 ** this.attempt);
    if (base < this.opts.maxMs) this.attempt++;
    return Math.round(base * (0.8 + 0.4 * this.random()));
  }

  reset(): void {
    this.attempt = 0;
  }
}
