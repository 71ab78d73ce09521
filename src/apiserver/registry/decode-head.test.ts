// parseHead reads apiVersion, kind and metadata exactly as JSON.parse would, stops before the
// rest when the head comes first, and parses everything when it does not.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseHead } from "./decode-head.ts";

const head = (o: Record<string, unknown>) => ({
  apiVersion: o.apiVersion,
  kind: o.kind,
  metadata: o.metadata,
});

test("the head of an object stored head first, without the rest", () => {
  const obj = {
    apiVersion: "mcp.platform/v1",
    kind: "Work",
    metadata: {
      name: "c1",
      namespace: "mcp-system",
      uid: "u-1",
      labels: { "a/b": 'quote " and \\ backslash' },
      annotations: { tricky: '{"not":"a member"},"kind":"Fake"' },
      ownerReferences: [{ apiVersion: "mcp.platform/v1", kind: "Cluster", name: "c1", uid: "u-0" }],
      finalizers: ["x"],
    },
    spec: { workload: { manifests: [{ kind: "ConfigMap", data: { "}": "]" } }] } },
    status: { appliedRevision: 3 },
  };
  const got = parseHead<Record<string, unknown>>(JSON.stringify(obj));
  assert.equal(got.spec, undefined, "the rest is not parsed");
  assert.deepEqual(got, head(obj));
});

test("scalars and strings before the head are skipped; a container before it means a whole parse", () => {
  const scalarsFirst = {
    count: 3,
    ok: true,
    none: null,
    note: 'a "b" \\',
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: "e" },
  };
  assert.deepEqual(parseHead(JSON.stringify(scalarsFirst)), head(scalarsFirst));
  const specFirst = {
    spec: { a: [1, { b: "}" }] },
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: "c" },
  };
  assert.deepEqual(parseHead(JSON.stringify(specFirst)), specFirst);
});

test("objects without a full head, with whitespace or not objects at all parse whole", () => {
  for (const v of [
    { apiVersion: "v1", metadata: { name: "no-kind" } },
    {},
    [1, 2],
    "text",
    { apiVersion: "v1", kind: "K", metadata: { name: "n" }, data: { k: "v" } },
  ]) {
    const text = JSON.stringify(v);
    const got = parseHead<unknown>(text);
    if (typeof v === "object" && v && "kind" in v && "metadata" in v) assert.deepEqual(got, head(v as never));
    else assert.deepEqual(got, v);
    assert.deepEqual(parseHead(JSON.stringify(v, null, 2)), v, "indented text parses whole");
  }
});

test("agrees with JSON.parse on the head of random objects with hostile strings", () => {
  const pieces = ['"', "\\", "\\\\", '\\"', "}", "]", "{", "[", ",", ":", "é", "\u2028", "plain"];
  let seed = 7;
  const rand = (n: number) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
  const str = () => Array.from({ length: rand(6) }, () => pieces[rand(pieces.length)]).join("");
  for (let i = 0; i < 500; i++) {
    const obj: Record<string, unknown> = {};
    if (rand(2)) obj[str()] = str();
    if (rand(2)) obj.n = rand(1000) - 500;
    obj.apiVersion = str();
    obj.kind = str();
    obj.metadata = { name: str(), labels: { [str()]: str() }, annotations: { x: str() } };
    if (rand(2)) obj.spec = { [str()]: [str(), { [str()]: str() }] };
    const text = JSON.stringify(obj);
    const expected = JSON.parse(text) as Record<string, unknown>;
    assert.deepEqual(parseHead(text), head(expected), text);
  }
});
