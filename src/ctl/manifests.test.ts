import assert from "node:assert/strict";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { docLabel, parseManifests, readManifests } from "./manifests.ts";

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const noStdin = async () => {
  throw new Error("stdin not expected");
};

test("multi-document YAML yields one object per document; empty documents count but are skipped", () => {
  const docs = parseManifests(`${cm("a")}---\n---\n# only a comment\n---\n${cm("b")}`, "app.yaml");
  assert.deepEqual(
    docs.map((d) => [d.index, d.object?.metadata.name]),
    [
      [1, "a"],
      [4, "b"],
    ],
  );
});

test("invalid YAML names the document, line and column; later documents still parse", () => {
  const text = `${cm("a")}---\nkind: ConfigMap\ndata: [1, 2\nx: 3\n---\n${cm("c")}`;
  const docs = parseManifests(text, "app.yaml");
  assert.equal(docs.length, 3);
  assert.equal(docs[0].object?.metadata.name, "a");
  assert.match(docLabel(docs[1]), /^app\.yaml \(document 2\)$/);
  assert.match(docs[1].error ?? "", /^invalid YAML at line 8, column 1: /);
  assert.equal(docs[2].object?.metadata.name, "c");
});

test("documents without apiVersion or kind, or that are not mappings, are clear errors", () => {
  const docs = parseManifests(
    "kind: ConfigMap\nmetadata: {name: a}\n---\napiVersion: v1\n---\n- just\n- a list\n",
    "x.yaml",
  );
  assert.deepEqual(
    docs.map((d) => d.error),
    [
      'object has no "apiVersion" field',
      'object has no "kind" field',
      "not a Kubernetes object: expected a mapping with apiVersion, kind and metadata",
    ],
  );
});

test("duplicate keys are YAML errors, not silent overwrites", () => {
  const [doc] = parseManifests(`${cm("a")}  name: b\n`, "dup.yaml");
  assert.match(doc.error ?? "", /Map keys must be unique/);
  assert.match(doc.error ?? "", /line 5, column 3/);
});

test("a v1 List stands for its items, each labelled with its position", () => {
  const list = {
    apiVersion: "v1",
    kind: "List",
    items: [{ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "a" } }, { kind: "X" }],
  };
  const docs = parseManifests(JSON.stringify(list), "list.json");
  assert.equal(docs[0].object?.metadata.name, "a");
  assert.equal(docLabel(docs[1]), "list.json (document 1, item 2)");
  assert.equal(docs[1].error, 'object has no "apiVersion" field');
});

test("JSON files report JSON syntax errors", () => {
  const [doc] = parseManifests('{"apiVersion": "v1",', "bad.json");
  assert.match(doc.error ?? "", /^invalid JSON/);
});

test("reads files, directories (in name order, manifests only) and -R subdirectories", async (t) => {
  const dir = await mkdtemp(join(tmpdir(), "mcpctl-manifests-"));
  t.after(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, "b.yaml"), cm("b"));
  await writeFile(join(dir, "a.yml"), `${cm("a1")}---\n${cm("a2")}`);
  await writeFile(
    join(dir, "c.json"),
    JSON.stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c" } }),
  );
  await writeFile(join(dir, "README.md"), "# not a manifest");
  await mkdir(join(dir, "sub"));
  await writeFile(join(dir, "sub", "d.yaml"), cm("d"));
  const names = async (recursive: boolean) =>
    (await readManifests([dir], { recursive, readStdin: noStdin })).map((d) => d.object?.metadata.name);
  assert.deepEqual(await names(false), ["a1", "a2", "b", "c"]);
  assert.deepEqual(await names(true), ["a1", "a2", "b", "c", "d"]);
});

test("reads stdin for -, once, and reports a missing path without stopping", async () => {
  let reads = 0;
  const docs = await readManifests(["-", "/nonexistent/app.yaml", "-"], {
    recursive: false,
    readStdin: async () => {
      reads++;
      return `${cm("from-stdin")}---\n${cm("second")}`;
    },
  });
  assert.equal(reads, 1);
  assert.deepEqual(
    docs.map((d) => d.object?.metadata.name ?? `${docLabel(d)}: ${d.error}`),
    ["from-stdin", "second", "/nonexistent/app.yaml: no such file or directory"],
  );
  assert.equal(docLabel(docs[1]), "stdin (document 2)");
});
