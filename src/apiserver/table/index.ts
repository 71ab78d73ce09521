// Server-side printing (meta.k8s.io/v1 Table) and its kubectl-style rendering: the public face
// of src/apiserver/table for the API handlers and the CLI.
export { humanDuration } from "./duration.ts";
export { compileJsonPath, type JsonPath } from "./jsonpath.ts";
export { type PrintTableOptions, printTable } from "./print-table.ts";
export { printerFor, printerFromColumns } from "./registry.ts";
export { type ToTableOptions, toTable } from "./table.ts";
export type {
  IncludeObject,
  PartialObjectMetadata,
  Printer,
  PrinterColumnSpec,
  Table,
  TableCell,
  TableColumnDefinition,
  TableRow,
  TableRowCondition,
} from "./types.ts";
