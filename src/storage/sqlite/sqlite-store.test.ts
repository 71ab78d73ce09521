// The SQLite engine: the shared conformance suite, plus what only a file-backed engine owes:
// reopening resumes data, revisions and compaction, a SIGKILL loses no acknowledged write, and a
// second process writing the same file is refused rather than forking revisions.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { test } from "node:test";
import { runStoreConformance } from "../conformance.ts";
import { openSqliteStore } from "./sqlite-store.ts";

function tempDir(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), "mcp-sqlite-"));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

runStoreConformance("sqlite", async () => {
  const dir = mkdtempSync(join(tmpdir(), "mcp-sqlite-"));
  const store = await openSqliteStore({ path: join(dir, "nested", "store.db") });
  return { store, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

test("sqlite: reopening resumes data, revision, history and compaction", async (t) => {
  const path = join(tempDir(t), "data", "store.db");
  const first = await openSqliteStore({ path });
  await first.txn([], [{ type: "put", key: "/r/a", value: "1" }]);
  await first.txn([], [{ type: "put", key: "/r/b", value: "1" }]);
  await first.txn([], [{ type: "put", key: "/r/a", value: "2" }]);
  await first.txn([], [{ type: "delete", key: "/r/b" }]);
  await first.compact(2);
  await first.close();

  const store = await openSqliteStore({ path });
  t.after(() => store.close());
  assert.equal(await store.currentRevision(), 4);
  assert.equal(await store.compactedRevision(), 2);
  assert.deepEqual(await store.get("/r/a"), {
    key: "/r/a",
    value: "2",
    createRevision: 1,
    modRevision: 3,
    version: 2,
  });
  assert.equal((await store.get("/r/b", 3))?.value, "1");
  const ac = new AbortController();
  t.after(() => ac.abort());
  const it = store.watch("/r/", { afterRevision: 2, signal: ac.signal }).events[Symbol.asyncIterator]();
  assert.deepEqual([(await it.next()).value?.revision, (await it.next()).value?.type], [3, "delete"]);
  const r = await store.txn([], [{ type: "put", key: "/r/c", value: "1" }]);
  assert.equal(r.revision, 5);
  assert.equal((await it.next()).value?.kv.key, "/r/c");
});

test("sqlite: a trailing compacted delete does not lose the revision on reopen", async (t) => {
  const path = join(tempDir(t), "store.db");
  const first = await openSqliteStore({ path });
  await first.txn([], [{ type: "put", key: "/t", value: "1" }]);
  await first.txn([], [{ type: "delete", key: "/t" }]);
  await first.compact(2);
  await first.close();
  const store = await openSqliteStore({ path });
  t.after(() => store.close());
  assert.equal(await store.currentRevision(), 2);
  assert.equal((await store.txn([], [{ type: "put", key: "/t", value: "2" }])).revision, 3);
});

for (const durability of ["full", "normal"] as const) {
  test(`sqlite: SIGKILL loses no acknowledged write (durability ${durability})`, async (t) => {
    const path = join(tempDir(t), "store.db");
    const script = join(import.meta.dirname, "testdata", "write-forever.ts");
    const child = spawn(process.execPath, [script, path, durability], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    t.after(() => child.kill("SIGKILL"));
    const exited = new Promise((resolve) => child.once("exit", resolve));
    const acked: { key: string; revision: number }[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      acked.push(JSON.parse(line));
      if (acked.length === 200) {
        child.kill("SIGKILL");
        break;
      }
    }
    await exited;
    assert.equal(acked.length, 200);
    const store = await openSqliteStore({ path, durability });
    t.after(() => store.close());
    for (const { key, revision } of acked) {
      assert.equal((await store.get(key))?.modRevision, revision, key);
    }
    assert.ok((await store.currentRevision()) >= 200);
  });
}

test("sqlite: a second writer on the same file is refused", async (t) => {
  const path = join(tempDir(t), "store.db");
  const a = await openSqliteStore({ path });
  const b = await openSqliteStore({ path });
  t.after(async () => {
    await a.close();
    await b.close();
  });
  await a.txn([], [{ type: "put", key: "/x", value: "a" }]);
  await assert.rejects(b.txn([], [{ type: "put", key: "/x", value: "b" }]), {
    name: "StoreError",
    code: "Unavailable",
  });
  assert.equal((await a.get("/x"))?.value, "a");
});
