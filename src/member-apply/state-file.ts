// The applier's state in one JSON file (the agent keeps it in <state-dir>/<cluster>/work.json):
// written to a temporary file, flushed to disk and renamed over the old one, so that a crash
// leaves either the previous state or the new one, never half of one. Mode 0600: manifests may
// carry Secrets. An unreadable file counts as no state (the hub then sends the full set).
import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { readOptional } from "../apiserver/auth/files.ts";
import type { ApplierState, ApplierStatePersistence } from "./types.ts";

export function fileStatePersistence(path: string): ApplierStatePersistence {
  let dir: Promise<unknown> | undefined;
  const ensureDir = (again = false) => {
    if (again || !dir)
      dir = mkdir(dirname(path), { recursive: true, mode: 0o700 }).catch((e) => {
        dir = undefined;
        throw e;
      });
    return dir;
  };
  return {
    async load() {
      const text = await readOptional(path);
      if (text === undefined) return undefined;
      try {
        const s = JSON.parse(text) as Partial<ApplierState>;
        if (typeof s.ackedRevision !== "number" || !Array.isArray(s.desired)) return undefined;
        return s as ApplierState;
      } catch {
        return undefined;
      }
    },
    async save(s) {
      // The directory is made once, not on every save (saves come with every Work update), and
      // again only if it was removed meanwhile.
      await ensureDir();
      const text = JSON.stringify(s);
      try {
        await writeAtomically(path, text);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
        await ensureDir(true);
        await writeAtomically(path, text);
      }
    },
  };
}

async function writeAtomically(path: string, text: string): Promise<void> {
  const tmp = `${path}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    // flush: fsync before close, so the rename never exposes a file whose data is not on disk.
    await writeFile(tmp, text, { flag: "wx", mode: 0o600, flush: true });
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}
