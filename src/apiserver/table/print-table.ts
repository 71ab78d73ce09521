// Client-side rendering of a Table exactly as kubectl prints it: upper-case headers, columns
// aligned by a tabwriter (minimum width 6, padding 3), wide columns only with -o wide, and an
// optional leading NAMESPACE column taken from each row's object metadata.
import type { Table, TableCell, TableRow } from "./types.ts";

export interface PrintTableOptions {
  /** Show columns with priority > 0 (`-o wide`). */
  wide: boolean;
  noHeaders?: boolean;
  /** Prepend a NAMESPACE column (`--all-namespaces`). */
  showNamespace?: boolean;
}

// kubectl's tabwriter settings (cli-runtime printers.GetNewTabWriter).
const MIN_WIDTH = 6;
const PADDING = 3;

/** kubectl's cell text: truncated at the first line break with "...", escape characters defanged. */
function cellText(cell: TableCell | undefined): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell !== "string") return String(cell);
  const cut = cell.search(/[\f\n\r]/);
  const text = cut >= 0 ? `${cell.slice(0, cut)}...` : cell;
  return text.replaceAll("\x1b", "^[");
}

const runeLength = (s: string) => [...s].length;

function rowNamespace(row: TableRow): TableCell {
  const ns = row.object?.metadata?.namespace;
  return typeof ns === "string" ? ns : null;
}

/** Go's text/tabwriter: every cell but the last of a line is padded to its column's width. */
function align(lines: string[][]): string {
  const widths: number[] = [];
  for (const line of lines) {
    for (let i = 0; i < line.length - 1; i++) {
      widths[i] = Math.max(widths[i] ?? MIN_WIDTH, runeLength(line[i]) + PADDING);
    }
  }
  return lines
    .map((line) =>
      line
        .map((cell, i) => (i === line.length - 1 ? cell : cell + " ".repeat(widths[i] - runeLength(cell))))
        .join(""),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** Renders a Table as `kubectl get` does; an empty table prints nothing, not even headers. */
export function printTable(table: Table, options: PrintTableOptions): string {
  if (table.rows.length === 0) return "";
  let columns = table.columnDefinitions;
  let rows = table.rows.map((r) => r.cells);
  if (options.showNamespace) {
    columns = [{ name: "Namespace", type: "string", format: "", description: "", priority: 0 }, ...columns];
    rows = table.rows.map((r) => [rowNamespace(r), ...r.cells]);
  }
  const visible = columns.flatMap((c, i) => (options.wide || c.priority === 0 ? [i] : []));
  const lines: string[][] = [];
  if (!options.noHeaders) lines.push(visible.map((i) => columns[i].name.toUpperCase()));
  for (const cells of rows) lines.push(visible.map((i) => cellText(cells[i])));
  return align(lines);
}
