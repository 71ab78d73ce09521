// Collecting a scan's reports from scripted list and watch answers: a 410 (as an ERROR event or
// as the watch's own answer) re-lists instead of failing, a stream the hub ends is reopened from
// the last resourceVersion, other scans' reports are ignored, and the timeout returns what came.
import assert from "node:assert/strict";
import { test } from "node:test";
import type { WatchEvent } from "../../apis/meta/types.ts";
import type { RequestOptions } from "../client.ts";
import { ApiError } from "../errors.ts";
import { collectReports, type ReportObject } from "./collect.ts";

const report = (cluster: string, scan: string, rv: string): ReportObject => ({
  apiVersion: "mcp.platform/v1",
  kind: "DiagnosticReport",
  metadata: {
    name: cluster,
    namespace: "mcp-system",
    resourceVersion: rv,
    labels: { "mcp.platform/scan": scan },
  },
  spec: { cluster },
  status: { score: 90, findings: [] },
});
const list = (rv: string, items: ReportObject[]) => ({ metadata: { resourceVersion: rv }, items });
const expired = {
  kind: "Status",
  code: 410,
  reason: "Expired",
  message: "too old resource version: 12 (40)",
};

/** Answers lists and watches from scripts, in order, and records the watches' resourceVersions. */
class ScriptedHub {
  lists: ReturnType<typeof list>[] = [];
  streams: (WatchEvent<unknown>[] | Error | "hang")[] = [];
  watchedFrom: (string | undefined)[] = [];
  async get<T>(_path: string, _opts?: RequestOptions): Promise<T> {
    const next = this.lists.shift();
    if (!next) throw new Error("unexpected list");
    return next as T;
  }
  async *watch(_path: string, opts: RequestOptions = {}): AsyncGenerator<WatchEvent<unknown>> {
    this.watchedFrom.push(opts.query?.resourceVersion as string | undefined);
    const next = this.streams.shift();
    if (!next) throw new Error("unexpected watch");
    if (next instanceof Error) throw next;
    if (next === "hang") {
      await new Promise((r) => opts.signal?.addEventListener("abort", r, { once: true }));
      return;
    }
    yield* next;
  }
}

const collect = (hub: ScriptedHub, clusters: string[], timeoutMs = 5000) =>
  collectReports(hub, { scanId: "scan-1", clusters, timeoutMs, reopenDelayMs: 1 });

test("a 410 Expired event re-lists and finds the report written meanwhile", async () => {
  const hub = new ScriptedHub();
  hub.lists = [
    list("10", [report("a", "scan-1", "9")]),
    list("40", [report("a", "scan-1", "9"), report("b", "scan-1", "35")]),
  ];
  hub.streams = [[{ type: "ERROR", object: expired }], "hang"];
  const got = await collect(hub, ["a", "b"]);
  assert.deepEqual([...got.keys()].sort(), ["a", "b"]);
  assert.deepEqual(hub.watchedFrom, ["10"], "done after the relist: no second watch");
});

test("a watch refused with 410 re-lists, then watches from the new list", async () => {
  const hub = new ScriptedHub();
  hub.lists = [list("10", []), list("40", [report("a", "scan-1", "20")])];
  hub.streams = [
    new ApiError(410, expired),
    [
      { type: "BOOKMARK", object: { metadata: { resourceVersion: "45" } } },
      { type: "ADDED", object: report("b", "scan-1", "50") },
    ],
  ];
  const got = await collect(hub, ["a", "b"]);
  assert.deepEqual([...got.keys()].sort(), ["a", "b"]);
  assert.deepEqual(hub.watchedFrom, ["10", "40"]);
});

test("a stream the hub ends is reopened from the last resourceVersion seen", async () => {
  const hub = new ScriptedHub();
  hub.lists = [list("10", [])];
  hub.streams = [
    [
      { type: "ADDED", object: report("a", "scan-1", "12") },
      { type: "MODIFIED", object: report("x", "scan-0", "13") },
    ],
    [],
    [{ type: "ADDED", object: report("b", "scan-1", "20") }],
  ];
  const got = await collect(hub, ["a", "b"]);
  assert.deepEqual([...got.keys()].sort(), ["a", "b"]);
  assert.deepEqual(hub.watchedFrom, ["10", "13", "13"]);
});

test("reports of other scans or clusters do not count; the timeout returns what came", async () => {
  const hub = new ScriptedHub();
  hub.lists = [list("10", [report("a", "scan-0", "5"), report("z", "scan-1", "6")])];
  hub.streams = [[{ type: "ADDED", object: report("a", "scan-1", "11") }], "hang"];
  const got = await collect(hub, ["a", "b"], 200);
  assert.deepEqual([...got.keys()], ["a"]);
  assert.equal(got.get("a")!.metadata.resourceVersion, "11");
});

test("other watch errors still fail", async () => {
  const hub = new ScriptedHub();
  hub.lists = [list("10", [])];
  hub.streams = [[{ type: "ERROR", object: { kind: "Status", code: 500, message: "boom" } }]];
  await assert.rejects(collect(hub, ["a"]), (e) => e instanceof ApiError && e.code === 500);
});
