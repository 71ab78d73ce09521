// A fixed-concurrency loop: `concurrency` workers pull indices 0..count-1, so exactly that many
// requests are in flight until the work runs out (a closed-loop load, like most API benchmarks).

export async function runPool(
  count: number,
  concurrency: number,
  fn: (i: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < count) await fn(next++);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}
