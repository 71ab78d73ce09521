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
import type { StoreError } from "../store.ts";
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

/** A WAL sync the test releases by hand (or fails). */
class GatedSync {
  private waiting: { resolve: () => void; reject: (e: Error) => void }[] = [];
  synced(): Promise<void> {
    return new Promise((resolve, reject) => this.waiting.push({ resolve, reject }));
  }
  release(err?: Error): void {
    for (const w of this.waiting.splice(0)) err ? w.reject(err) : w.resolve();
  }
  get pending(): number {
    return this.waiting.length;
  }
  close(): void {}
}

const put = (key: string, value: string) => ({ type: "put" as const, key, value });
const tick = () => new Promise((r) => setImmediate(r));

test("sqlite full: a commit is acknowledged, readable and watched only once its WAL sync completes", async (t) => {
  const gate = new GatedSync();
  const store = await openSqliteStore({ path: join(tempDir(t), "s.db"), walSync: gate });
  t.after(() => {
    gate.release();
    return store.close();
  });
  const first = store.txn([], [put("/k", "v1")]);
  await tick();
  gate.release();
  const r1 = await first;

  const ac = new AbortController();
  t.after(() => ac.abort());
  const it = store
    .watch("/", { afterRevision: r1.revision, signal: ac.signal })
    .events[Symbol.asyncIterator]();
  let seen: string | undefined;
  const next = it.next().then((e) => {
    seen = e.value?.kv.value;
  });

  let acked = false;
  const second = store.txn([], [put("/k", "v2")]).then((r) => {
    acked = true;
    return r;
  });
  await tick();
  await tick();
  assert.equal(gate.pending, 1, "the commit waits for a sync");
  assert.equal(acked, false);
  assert.equal((await store.get("/k"))?.value, "v1", "reads stay at the durable revision");
  assert.equal(await store.currentRevision(), r1.revision);
  assert.equal((await store.range("/")).items[0].value, "v1");
  assert.equal(seen, undefined, "watchers see nothing not yet durable");

  gate.release();
  const r2 = await second;
  await next;
  assert.equal(seen, "v2");
  assert.equal((await store.get("/k"))?.value, "v2");
  assert.equal(await store.currentRevision(), r2.revision);
});

test("sqlite full: a compare that lost to a commit not yet durable fails only once the winner is readable", async (t) => {
  const gate = new GatedSync();
  const store = await openSqliteStore({ path: join(tempDir(t), "s.db"), walSync: gate });
  t.after(() => {
    gate.release();
    return store.close();
  });
  const created = store.txn([], [put("/k", "v1")]);
  await tick();
  gate.release();
  const base = (await created).revision;

  const winner = store.txn([{ key: "/k", modRevision: base }], [put("/k", "winner")]);
  await tick();
  const loser = store.txn([{ key: "/k", modRevision: base }], [put("/k", "loser")]);
  const outcome = loser.then(
    () => "ok",
    async (e: StoreError) => `${e.code}: ${(await store.get("/k"))?.value}`,
  );
  await tick();
  gate.release();
  await winner;
  await tick();
  gate.release();
  assert.equal(await outcome, "CompareFailed: winner", "a retry would read the winner");
});

test("sqlite full: a failed WAL sync rejects its writes and every write after it", async (t) => {
  const gate = new GatedSync();
  const store = await openSqliteStore({ path: join(tempDir(t), "s.db"), walSync: gate });
  t.after(() => store.close());
  const w = store.txn([], [put("/k", "v1")]);
  await tick();
  gate.release(new Error("EIO: i/o error"));
  await assert.rejects(w, (e: StoreError) => e.code === "Unavailable" && /EIO/.test(e.message));
  await assert.rejects(store.txn([], [put("/k", "v2")]), (e: StoreError) => e.code === "Unavailable");
  assert.equal(await store.get("/k"), undefined, "nothing unsynced is served");
});
