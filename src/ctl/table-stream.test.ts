import assert from "node:assert/strict";
import { test } from "node:test";
import { printTable } from "../apiserver/table/print-table.ts";
import type { Table, TableRow } from "../apiserver/table/types.ts";
import { labelsText, renderTable, StreamingTable } from "./table-stream.ts";

const col = (name: string, priority = 0) => ({
  name,
  type: "string",
  format: name === "Name" ? "name" : "",
  description: "",
  priority,
});
const row = (cells: TableRow["cells"], namespace?: string, labels?: Record<string, string>): TableRow => ({
  cells,
  object: {
    kind: "PartialObjectMetadata",
    apiVersion: "meta.k8s.io/v1",
    metadata: { name: String(cells[0]), namespace, labels },
  },
});
const table = (rows: TableRow[]): Table => ({
  kind: "Table",
  apiVersion: "meta.k8s.io/v1",
  metadata: { resourceVersion: "7" },
  columnDefinitions: [col("Name"), col("Ready"), col("Endpoint", 1)],
  rows,
});

test("the first piece of a streamed table prints exactly as printTable does", () => {
  const t = table([row(["east-1", "True", "https://e"], "a"), row(["west-22", "Unknown", "https://w"], "b")]);
  for (const layout of [
    { wide: false },
    { wide: true },
    { wide: false, showNamespace: true },
    { wide: false, noHeaders: true },
  ]) {
    assert.equal(new StreamingTable(layout).print(t), printTable(t, layout), JSON.stringify(layout));
  }
});

test("later pieces keep the first piece's column widths and print no header", () => {
  const s = new StreamingTable({ wide: false });
  const first = s.print(table([row(["east-1", "True", ""])]));
  assert.equal(first, "NAME     READY\neast-1   True\n");
  assert.equal(s.print(table([row(["w", "False", ""])])), "w        False\n");
  // A longer cell than any before still gets the tabwriter's padding.
  assert.equal(s.print(table([row(["a-much-longer-name", "True", ""])])), "a-much-longer-name   True\n");
});

test("an empty first piece does not start the table; the first row does", () => {
  const s = new StreamingTable({ wide: false });
  assert.equal(s.print(table([])), "");
  assert.equal(s.started, false);
  assert.equal(s.print(table([row(["x", "True", ""])])), "NAME   READY\nx      True\n");
});

test("--show-labels adds a LABELS column with sorted k=v pairs", () => {
  const t = table([row(["a", "True", ""], undefined, { z: "1", a: "2" }), row(["b", "True", ""])]);
  assert.equal(
    renderTable(t, { wide: false, showLabels: true }),
    "NAME   READY   LABELS\na      True    a=2,z=1\nb      True    <none>\n",
  );
  assert.equal(labelsText({}), "<none>");
});
