// WorkSync with a fake stream link and a scripted applier: strict ordering, one ack per update,
// stale and malformed updates, and the resync loop's acks (changes, drift, keepalive, stop).
import assert from "node:assert/strict";
import { test } from "node:test";
import pino from "pino";
import type { OutgoingAgentMessage, WorkAck, WorkUpdate } from "../../apis/agent/v1/protocol.ts";
import type { ManifestStatus, WorkDelta } from "../../member-apply/types.ts";
import type { SessionLink } from "../session.ts";
import { type WorkApplier, WorkSync } from "./receiver.ts";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function fakeLink(syncIntervalMs = 60_000) {
  const sent: WorkAck[] = [];
  const ac = new AbortController();
  const link: SessionLink & { sent: WorkAck[]; syncIntervalMs: number } = {
    sent,
    signal: ac.signal,
    syncIntervalMs,
    send(msg: OutgoingAgentMessage) {
      if (!ac.signal.aborted && "work_ack" in msg) sent.push(msg.work_ack);
    },
  };
  return { link, end: () => ac.abort() };
}

const status = (name: string, extra: Partial<ManifestStatus> = {}): ManifestStatus => ({
  identifier: { apiVersion: "v1", kind: "ConfigMap", namespace: "default", name },
  applied: true,
  health: "Healthy",
  ...extra,
});

/** Applies by recording; each apply takes `delays[revision]` ms; notes any two calls at once. */
class ScriptedApplier implements WorkApplier {
  acked = 0;
  readonly calls: string[] = [];
  overlapped = false;
  resyncResult: ManifestStatus[] | undefined;
  /** Statuses an apply leaves (default: every manifest applied and Healthy). */
  applyResult: ManifestStatus[] | undefined;
  private active = 0;
  private current: ManifestStatus[] = [];
  private readonly delays: Record<number, number>;

  constructor(delays: Record<number, number> = {}) {
    this.delays = delays;
  }

  get ackedRevision(): number {
    return this.acked;
  }

  statuses(): ManifestStatus[] {
    return this.current;
  }

  async apply(u: WorkDelta): Promise<ManifestStatus[] | undefined> {
    if (this.active++) this.overlapped = true;
    this.calls.push(`apply ${u.revision}`);
    await sleep(this.delays[u.revision] ?? 0);
    this.active--;
    if (!u.full && u.revision <= this.acked) return undefined;
    this.acked = u.revision;
    this.current =
      this.applyResult ?? u.manifests.map((m) => status(m.metadata.name!, { revision: u.revision }));
    return this.current;
  }

  async resync(): Promise<ManifestStatus[]> {
    if (this.active++) this.overlapped = true;
    this.calls.push("resync");
    await sleep(5);
    this.active--;
    if (this.resyncResult) this.current = this.resyncResult;
    return this.current;
  }
}

const update = (revision: number, names: string[], full = false): WorkUpdate => ({
  revision,
  manifests_json: JSON.stringify(
    names.map((name) => ({ apiVersion: "v1", kind: "ConfigMap", metadata: { name, namespace: "default" } })),
  ),
  deletions_json: "",
  full,
});

const until = async (cond: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await sleep(5);
  }
};

test("updates are applied one at a time in arrival order, each answered with its ack", async () => {
  const applier = new ScriptedApplier({ 1: 60, 2: 5, 3: 30 });
  const sync = new WorkSync({ applier, log: pino({ level: "silent" }) });
  const { link } = fakeLink();
  sync.update(update(1, ["a"], true), link);
  sync.update(update(2, ["b"]), link);
  sync.update(update(3, ["c"]), link);
  await until(() => link.sent.length === 3);
  assert.deepEqual(applier.calls, ["apply 1", "apply 2", "apply 3"]);
  assert.equal(applier.overlapped, false);
  assert.deepEqual(
    link.sent.map((a) => [a.revision, a.error]),
    [
      [1, ""],
      [2, ""],
      [3, ""],
    ],
  );
  assert.deepEqual(JSON.parse(link.sent[2].manifest_statuses_json), [status("c", { revision: 3 })]);
  assert.equal(sync.ackedRevision(), 3);

  // A stale update is still answered, with the revision actually acked.
  sync.update(update(2, ["old"]), link);
  await until(() => link.sent.length === 4);
  assert.equal(link.sent[3].revision, 3);
  assert.equal(link.sent[3].error, "");
});

test("a malformed update is answered with an error and the revision unchanged; the next one applies", async () => {
  const applier = new ScriptedApplier();
  const sync = new WorkSync({ applier, log: pino({ level: "silent" }) });
  const { link } = fakeLink();
  sync.update({ revision: 4, manifests_json: "[{", deletions_json: "", full: false }, link);
  sync.update(
    {
      revision: 5,
      manifests_json: JSON.stringify([
        { kind: "ConfigMap" },
        { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "ok" } },
      ]),
      deletions_json: "",
      full: false,
    },
    link,
  );
  await until(() => link.sent.length === 2);
  assert.equal(link.sent[0].revision, 0);
  assert.match(link.sent[0].error, /Work update 4 not applied: manifests_json is not JSON/);
  assert.equal(link.sent[1].revision, 5);
  assert.match(link.sent[1].error, /manifest 0 has no apiVersion, kind and metadata.name; left out/);
  assert.deepEqual(
    JSON.parse(link.sent[1].manifest_statuses_json).map((s: ManifestStatus) => s.identifier.name),
    ["ok"],
  );
});

test("resync every interval: acks on change or drift and as a keepalive, never during an apply", async () => {
  const applier = new ScriptedApplier({ 1: 40 });
  const sync = new WorkSync({ applier, log: pino({ level: "silent" }), keepaliveIntervals: 3 });
  const { link, end } = fakeLink(30);
  sync.update(update(1, ["a"], true), link);
  sync.welcomed(link);
  await until(() => applier.calls.filter((c) => c === "resync").length >= 1);
  assert.equal(applier.calls[0], "apply 1", "the resync waited for the apply");
  assert.equal(applier.overlapped, false);
  // The first resync after a welcome always reports; unchanged ones after it do not.
  await until(() => link.sent.length === 2);
  const quietFrom = applier.calls.length;
  await until(() => applier.calls.length >= quietFrom + 2);
  assert.equal(link.sent.length, 2, "no ack for an unchanged status");
  // Keepalive after 3 quiet intervals.
  await until(() => link.sent.length === 3);
  assert.equal(link.sent[2].revision, 1);

  applier.resyncResult = [
    status("a", { revision: 1, drift: ["data.x"], lastDriftTime: "2026-01-01T00:00:00Z" }),
  ];
  await until(() => link.sent.length === 4);
  assert.deepEqual(JSON.parse(link.sent[3].manifest_statuses_json)[0].drift, ["data.x"]);

  // A later Welcome with a new interval takes effect at once (a resync now, then every 10 s).
  link.syncIntervalMs = 10_000;
  const before = applier.calls.length;
  sync.welcomed(link);
  await until(() => applier.calls.length === before + 1);
  await sleep(100);
  assert.equal(applier.calls.length, before + 1);
  // ended() stops the loop.
  link.syncIntervalMs = 30;
  sync.welcomed(link);
  sync.ended();
  end();
  const calls = applier.calls.length;
  await sleep(120);
  assert.ok(applier.calls.length <= calls + 1, "at most the resync already running finishes");
});

test("after an update leaves objects not Healthy, early resyncs report them until Healthy, then stop", async () => {
  const applier = new ScriptedApplier();
  const sync = new WorkSync({ applier, log: pino({ level: "silent" }), followUpMs: 20 });
  const { link, end } = fakeLink(60_000);
  sync.welcomed(link);
  await until(() => applier.calls.length === 1); // the resync at welcome (nothing acked yet)
  await sleep(30);
  const progressing = [status("web", { revision: 1, health: "Unknown" })];
  applier.applyResult = progressing;
  applier.resyncResult = progressing;
  sync.update(update(1, ["web"], true), link);
  await until(() => link.sent.length === 1);
  assert.equal(JSON.parse(link.sent[0].manifest_statuses_json)[0].health, "Unknown");
  // Early resyncs, long before the 60 s interval; the status becomes Healthy and is reported.
  await until(() => applier.calls.filter((c) => c === "resync").length >= 3);
  applier.resyncResult = [status("web", { revision: 1 })];
  await until(() => link.sent.length === 2);
  assert.equal(JSON.parse(link.sent[1].manifest_statuses_json)[0].health, "Healthy");
  // Healthy: no more early resyncs.
  const calls = applier.calls.length;
  await sleep(300);
  assert.equal(applier.calls.length, calls);
  sync.ended();
  end();
});

test("updates of a stream that ended are dropped; a new stream starts a fresh report", async () => {
  const applier = new ScriptedApplier({ 1: 50 });
  const sync = new WorkSync({ applier, log: pino({ level: "silent" }) });
  const first = fakeLink();
  sync.update(update(1, ["a"], true), first.link);
  sync.update(update(2, ["b"]), first.link);
  await sleep(10);
  sync.ended();
  first.end();
  await sleep(80);
  assert.deepEqual(applier.calls, ["apply 1"]);
  assert.equal(first.link.sent.length, 0, "nothing is sent on an ended stream");

  const second = fakeLink(60_000);
  sync.welcomed(second.link);
  await until(() => second.link.sent.length === 1);
  assert.equal(second.link.sent[0].revision, 1);
  assert.deepEqual(applier.calls, ["apply 1", "resync"]);
  sync.ended();
});
