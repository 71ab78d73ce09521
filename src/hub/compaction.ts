// Periodic compaction, as kube-apiserver does it: every interval, compact up to the revision
// seen at the previous tick, so at least one interval of history stays watchable.
import type { Logger } from "pino";
import type { Store } from "../storage/store.ts";

export function startCompaction(store: Store, intervalMs: number, log: Logger): { stop(): void } {
  let previous = 0;
  const tick = async () => {
    try {
      const current = await store.currentRevision();
      if (previous > 0 && previous > (await store.compactedRevision())) {
        await store.compact(previous);
        log.debug({ revision: previous }, "compacted");
      }
      previous = current;
    } catch (e) {
      log.warn({ err: String(e) }, "compaction failed");
    }
  };
  const timer = intervalMs > 0 ? setInterval(() => void tick(), intervalMs) : undefined;
  timer?.unref();
  return { stop: () => clearInterval(timer) };
}
