// Polling instead of sleeping: e2e tests wait for what a user would wait for (a namespace to
// disappear, an audit line to be flushed) and fail with the last observation when it never comes.

export interface EventuallyOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** What is being waited for, for the failure message. */
  what?: string;
}

/**
 * Calls fn until it returns without throwing (an assertion inside fn is the condition), and
 * returns its result; after the timeout, throws the last error.
 */
export async function eventually<T>(fn: () => Promise<T> | T, opts: EventuallyOptions = {}): Promise<T> {
  const deadline = Date.now() + (opts.timeoutMs ?? 10_000);
  const interval = opts.intervalMs ?? 50;
  for (;;) {
    try {
      return await fn();
    } catch (err) {
      if (Date.now() >= deadline) {
        const prefix = opts.what ? `timed out waiting for ${opts.what}: ` : "";
        throw new Error(`${prefix}${err instanceof Error ? err.message : String(err)}`, { cause: err });
      }
    }
    await new Promise((r) => setTimeout(r, interval));
  }
}
