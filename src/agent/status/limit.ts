// A concurrency limit for async work: at most `max` functions run at once, the rest wait in
// arrival order. Used so a status collection never floods one apiserver and the hub's push
// poller never polls every cluster at the same instant.

export type Limiter = <T>(fn: () => Promise<T>) => Promise<T>;

export function createLimiter(max: number): Limiter {
  if (!(max >= 1)) throw new Error(`a concurrency limit must be at least 1, got ${max}`);
  let running = 0;
  const waiting: (() => void)[] = [];
  // A finishing task hands its slot straight to the next waiter, so a newcomer cannot slip in
  // between and exceed the limit.
  const release = () => {
    const next = waiting.shift();
    if (next) next();
    else running--;
  };
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= max) await new Promise<void>((r) => waiting.push(r));
    else running++;
    try {
      return await fn();
    } finally {
      release();
    }
  };
}
