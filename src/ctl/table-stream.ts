// Server-printed Tables for `get`: whole tables go through the hub's printTable (kubectl's layout);
// `get -w` needs rows printed one event at a time under the same header, so this module keeps the
// column widths of the first batch and pads later rows to them.
import { printTable } from "../apiserver/table/print-table.ts";
import type { Table, TableCell, TableColumnDefinition, TableRow } from "../apiserver/table/types.ts";

export interface TableLayout {
  wide: boolean;
  noHeaders?: boolean;
  /** Prepend a NAMESPACE column (--all-namespaces). */
  showNamespace?: boolean;
  /** Append a LABELS column (--show-labels). */
  showLabels?: boolean;
}

// kubectl's tabwriter settings, as in printTable.
const MIN_WIDTH = 6;
const PADDING = 3;

/** `a=1,b=2` (keys sorted) or `<none>`, as kubectl's --show-labels prints them. */
export function labelsText(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length === 0 ? "<none>" : keys.map((k) => `${k}=${labels?.[k]}`).join(",");
}

/** The table with a trailing Labels column taken from each row's object metadata. */
export function withLabelsColumn(table: Table): Table {
  const column: TableColumnDefinition = {
    name: "Labels",
    type: "string",
    format: "",
    description: "",
    priority: 0,
  };
  return {
    ...table,
    columnDefinitions: [...table.columnDefinitions, column],
    rows: table.rows.map((r) => ({ ...r, cells: [...r.cells, labelsText(r.object?.metadata?.labels)] })),
  };
}

/** Renders a whole table as `kubectl get` does. */
export function renderTable(table: Table, layout: TableLayout): string {
  const t = layout.showLabels ? withLabelsColumn(table) : table;
  return printTable(t, {
    wide: layout.wide,
    noHeaders: layout.noHeaders,
    showNamespace: layout.showNamespace,
  });
}

function cellText(cell: TableCell | undefined): string {
  if (cell === null || cell === undefined) return "";
  if (typeof cell !== "string") return String(cell);
  const cut = cell.search(/[\f\n\r]/);
  return (cut >= 0 ? `${cell.slice(0, cut)}...` : cell).replaceAll("\x1b", "^[");
}

const runeLength = (s: string) => [...s].length;

/**
 * Prints a table in pieces: the first piece that has column definitions fixes the columns and,
 * from its header and rows, the widths; later pieces' rows are padded to those widths.
 */
export class StreamingTable {
  private readonly layout: TableLayout;
  private columns: TableColumnDefinition[] | undefined;
  private visible: number[] = [];
  private widths: number[] = [];

  constructor(layout: TableLayout) {
    this.layout = layout;
  }

  get started(): boolean {
    return this.columns !== undefined;
  }

  /** The lines for these rows (with the header if this is the first piece), ending in a newline. */
  print(table: Table): string {
    const t = this.layout.showLabels ? withLabelsColumn(table) : table;
    if (!this.columns) {
      if (t.columnDefinitions.length === 0 || t.rows.length === 0) return "";
      return this.start(t);
    }
    return t.rows.map((r) => this.line(this.cells(r))).join("");
  }

  private start(t: Table): string {
    const ns: TableColumnDefinition = {
      name: "Namespace",
      type: "string",
      format: "",
      description: "",
      priority: 0,
    };
    this.columns = this.layout.showNamespace ? [ns, ...t.columnDefinitions] : t.columnDefinitions;
    this.visible = this.columns.flatMap((c, i) => (this.layout.wide || c.priority === 0 ? [i] : []));
    const lines = t.rows.map((r) => this.cells(r));
    const header = this.visible.map((i) => (this.columns?.[i].name ?? "").toUpperCase());
    const all = this.layout.noHeaders ? lines : [header, ...lines];
    this.widths = [];
    for (const line of all) {
      for (let i = 0; i < line.length - 1; i++) {
        this.widths[i] = Math.max(this.widths[i] ?? MIN_WIDTH, runeLength(line[i]) + PADDING);
      }
    }
    return all.map((l) => this.line(l)).join("");
  }

  private cells(row: TableRow): string[] {
    const ns = row.object?.metadata?.namespace;
    const cells = this.layout.showNamespace ? [typeof ns === "string" ? ns : null, ...row.cells] : row.cells;
    return this.visible.map((i) => cellText(cells[i]));
  }

  private line(cells: string[]): string {
    const padded = cells.map((c, i) => {
      if (i === cells.length - 1) return c;
      const width = Math.max(this.widths[i] ?? MIN_WIDTH, runeLength(c) + PADDING);
      return c + " ".repeat(width - runeLength(c));
    });
    return `${padded.join("")}\n`;
  }
}
