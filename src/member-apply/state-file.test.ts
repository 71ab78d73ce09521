// The applier's state file: atomic writes with mode 0600, a directory made once and again if it
// was removed, and unreadable content read as no state.
import assert from "node:assert/strict";
import { mkdtemp, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { fileStatePersistence } from "./state-file.ts";
import type { ApplierState } from "./types.ts";

const state = (ackedRevision: number): ApplierState => ({
  ackedRevision,
  desired: [],
  inventory: [],
  pendingDeletions: [],
});

test("state is saved (0600) into a directory made on demand, also after it was removed", async (t) => {
  const root = await mkdtemp(join(tmpdir(), "mcp-state-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const path = join(root, "agents", "sim-001", "work.json");
  const p = fileStatePersistence(path);
  assert.equal(await p.load(), undefined);
  await p.save(state(1));
  assert.equal((await stat(path)).mode & 0o777, 0o600);
  await p.save(state(2));
  assert.equal((await p.load())?.ackedRevision, 2);
  await rm(join(root, "agents"), { recursive: true });
  await p.save(state(3));
  assert.equal((await fileStatePersistence(path).load())?.ackedRevision, 3);
});

test("an unreadable or malformed state file counts as no state", async (t) => {
  const root = await mkdtemp(join(tmpdir(), "mcp-state-"));
  t.after(() => rm(root, { recursive: true, force: true }));
  const path = join(root, "work.json");
  await writeFile(path, "{not json");
  assert.equal(await fileStatePersistence(path).load(), undefined);
  await writeFile(path, JSON.stringify({ ackedRevision: "7" }));
  assert.equal(await fileStatePersistence(path).load(), undefined);
});
