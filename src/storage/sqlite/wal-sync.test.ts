// WAL syncs are grouped: callers arriving while one runs share the next, and complete in order.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { WalSync } from "./wal-sync.ts";

test("a burst of callers costs two syncs, and they complete in call order", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-wal-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const path = join(dir, "db-wal");
  writeFileSync(path, "frames");
  const releases: (() => void)[] = [];
  let syncs = 0;
  const wal = new WalSync(path, () => {
    syncs++;
    return new Promise((r) => releases.push(r));
  });
  t.after(() => wal.close());

  const order: number[] = [];
  const all = Array.from({ length: 10 }, (_, i) => wal.synced().then(() => order.push(i)));
  await new Promise((r) => setImmediate(r));
  assert.equal(syncs, 1, "one sync runs; the other nine wait for the next");
  releases.shift()?.();
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [0]);
  assert.equal(syncs, 2);
  releases.shift()?.();
  await Promise.all(all);
  assert.deepEqual(order, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.equal(syncs, 2);
});

test("the default sync really flushes the file, and a missing WAL is an error", async (t) => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-wal-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, "db-wal"), "frames");
  const wal = new WalSync(join(dir, "db-wal"));
  await wal.synced();
  wal.close();
  const missing = new WalSync(join(dir, "absent-wal"));
  await assert.rejects(missing.synced(), /ENOENT/);
});
