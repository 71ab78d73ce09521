import assert from "node:assert/strict";
import { test } from "node:test";
import type { WatchEvent } from "../../apis/meta/types.ts";
import type { Table } from "../../apiserver/table/types.ts";
import type { HubClient, RequestOptions } from "../client.ts";
import { ApiError } from "../errors.ts";
import { Invocation, type Io } from "../invocation.ts";
import type { ApiResource } from "../resources.ts";
import { captureIo } from "../testing.ts";
import { watchResource } from "./watch.ts";

const configmaps: ApiResource = {
  group: "",
  version: "v1",
  name: "configmaps",
  singularName: "configmap",
  kind: "ConfigMap",
  namespaced: true,
  shortNames: ["cm"],
  verbs: [],
  categories: [],
};

const table = (rv: string, rows: [string, string][]): Table => ({
  kind: "Table",
  apiVersion: "meta.k8s.io/v1",
  metadata: { resourceVersion: rv },
  columnDefinitions: [{ name: "Name", type: "string", format: "name", description: "", priority: 0 }],
  rows: rows.map(([name, v]) => ({
    cells: [name],
    object: {
      kind: "PartialObjectMetadata",
      apiVersion: "meta.k8s.io/v1",
      metadata: { name, namespace: "shop", resourceVersion: v },
    },
  })),
});
const event = (type: WatchEvent["type"], name: string, rv: string): WatchEvent<unknown> => ({
  type,
  object: { ...table(rv, [[name, rv]]), columnDefinitions: [] },
});

/** A hub that answers lists and watch streams from scripts, recording what was asked. */
class ScriptedHub {
  lists: Table[] = [];
  streams: (WatchEvent<unknown>[] | Error)[] = [];
  watches: RequestOptions["query"][] = [];
  async get(_path: string, _opts: RequestOptions): Promise<unknown> {
    const next = this.lists.shift();
    if (!next) throw new Error("unexpected list");
    return next;
  }
  async *watch(_path: string, opts: RequestOptions): AsyncGenerator<WatchEvent<unknown>> {
    this.watches.push(opts.query);
    const next = this.streams.shift();
    if (!next) throw new Error("unexpected watch");
    if (next instanceof Error) throw next;
    yield* next;
  }
}

class TestInvocation extends Invocation {
  readonly scripted: ScriptedHub;
  constructor(io: Io, hub: ScriptedHub) {
    super(io, { namespace: "shop" });
    this.scripted = hub;
  }
  override async client(): Promise<HubClient> {
    return this.scripted as unknown as HubClient;
  }
}

test("watch follows resourceVersion through bookmarks, resumes ended streams and relists on 410", async () => {
  const hub = new ScriptedHub();
  hub.lists.push(
    table("10", [
      ["a", "5"],
      ["b", "6"],
    ]),
    table("25", [
      ["a", "13"],
      ["b", "20"],
      ["c", "21"],
    ]),
  );
  const expired = {
    type: "ERROR",
    object: { kind: "Status", code: 410, reason: "Expired" },
  } as WatchEvent<unknown>;
  hub.streams.push(
    [
      { type: "BOOKMARK", object: { kind: "ConfigMap", metadata: { resourceVersion: "12" } } },
      event("MODIFIED", "a", "13"),
    ],
    [expired],
    [event("ADDED", "d", "26")],
  );
  const io = captureIo();
  assert.equal(
    await watchResource(new TestInvocation(io, hub), { resource: configmaps, output: "table", maxEvents: 2 }),
    0,
  );
  // After the relist only what changed while the watch was down prints: b (new version) and c.
  assert.equal(io.stdout, "NAME\na\nb\na\nb\nc\nd\n");
  assert.deepEqual(
    hub.watches.map((q) => [q?.resourceVersion, q?.allowWatchBookmarks]),
    [
      ["10", true],
      ["13", true],
      ["25", true],
    ],
  );
});

test("a watch refused with 410 when it starts also relists", async () => {
  const hub = new ScriptedHub();
  hub.lists.push(table("10", [["a", "5"]]), table("30", [["a", "29"]]));
  hub.streams.push(new ApiError(410, { kind: "Status", code: 410, reason: "Expired" }), [
    event("DELETED", "a", "31"),
  ]);
  const io = captureIo();
  await watchResource(new TestInvocation(io, hub), { resource: configmaps, output: "table", maxEvents: 1 });
  assert.equal(io.stdout, "NAME\na\na\na\n");
});

test("other watch errors end the command with the hub's message", async () => {
  const hub = new ScriptedHub();
  hub.lists.push(table("10", []));
  hub.streams.push([
    {
      type: "ERROR",
      object: { kind: "Status", code: 500, reason: "InternalError", message: "the watch ended unexpectedly" },
    },
  ]);
  await assert.rejects(
    watchResource(new TestInvocation(captureIo(), hub), { resource: configmaps, output: "table" }),
    {
      message: "Error from server (InternalError): the watch ended unexpectedly",
    },
  );
});
