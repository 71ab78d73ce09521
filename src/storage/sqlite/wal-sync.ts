// Durability without blocking the event loop. With synchronous=FULL, SQLite fsyncs the WAL inside
// COMMIT, and node:sqlite being synchronous, every group commit stalled the whole hub for the
// length of an fsync (seconds per wave of writes to 1,000 clusters on a busy disk). Instead the
// store commits with synchronous=NORMAL (the WAL frames reach the OS, SQLite syncs at checkpoints
// and when it reuses the WAL) and calls fdatasync on the WAL file here, on libuv's thread pool. A
// commit is acknowledged, and becomes visible, only once a sync that started after it has
// completed: the same guarantee as FULL, with the wait off the main thread.
//
// Syncs are grouped: callers that arrive while a sync is in flight share the next one, so a burst
// of commits costs two fdatasyncs, not one each. Completions run in call order.
import { closeSync, fdatasync, openSync } from "node:fs";

export class WalSync {
  readonly #path: string;
  #fd?: number;
  #inFlight?: Promise<void>;
  #next?: Promise<void>;

  readonly #syncFile: (fd: number) => Promise<void>;

  /**
   * `walPath`: the database's "-wal" file, opened at the first sync (SQLite creates it lazily).
   * `syncFile` flushes a file to disk (tests count calls). Default: fdatasync on the thread pool.
   */
  constructor(walPath: string, syncFile: (fd: number) => Promise<void> = dataSync) {
    this.#path = walPath;
    this.#syncFile = syncFile;
  }

  /** Resolves once everything written to the WAL before this call is on disk. */
  synced(): Promise<void> {
    if (!this.#inFlight) {
      this.#inFlight = this.#sync().finally(() => {
        this.#inFlight = undefined;
      });
      return this.#inFlight;
    }
    // A sync already running may have started before this caller's writes: wait for the next.
    if (!this.#next) {
      this.#next = this.#inFlight
        .catch(() => {})
        .then(() => {
          this.#next = undefined;
          return this.synced();
        });
    }
    return this.#next;
  }

  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }

  async #sync(): Promise<void> {
    this.#fd ??= openSync(this.#path, "r");
    await this.#syncFile(this.#fd);
  }
}

function dataSync(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fdatasync(fd, (err) => (err ? reject(err) : resolve())));
}
