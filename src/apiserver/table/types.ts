// The meta.k8s.io/v1 Table shapes served for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`
// and the Printer contract every per-kind printer implements.
import type { KubeObject, ListMeta, ObjectMeta } from "../../apis/meta/types.ts";

export const TABLE_API_VERSION = "meta.k8s.io/v1";

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type: string, integer, number, boolean, date. */
  type: string;
  /** OpenAPI format hint; "name" marks the column holding the object name. */
  format: string;
  description: string;
  /** 0 = always shown; greater = only with `-o wide`. */
  priority: number;
}

/** Cells are JSON scalars; null prints as an empty cell. */
export type TableCell = string | number | boolean | null;

export interface TableRowCondition {
  type: "Completed";
  status: "True" | "False" | "Unknown";
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: "PartialObjectMetadata";
  apiVersion: typeof TABLE_API_VERSION;
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: TableCell[];
  conditions?: TableRowCondition[];
  /** PartialObjectMetadata by default, the full object with includeObject=Object, absent with None. */
  object?: PartialObjectMetadata | KubeObject;
}

export interface Table {
  kind: "Table";
  apiVersion: typeof TABLE_API_VERSION;
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** metav1.TableOptions.includeObject. */
export type IncludeObject = "None" | "Metadata" | "Object";

/** What a printer needs besides the object: the clock, so AGE cells are testable. */
export interface PrintContext {
  now: number;
}

export interface Printer {
  readonly columns: readonly TableColumnDefinition[];
  /** One cell per column, wide ones included: the server always prints wide, clients filter. */
  cells(obj: KubeObject, ctx: PrintContext): TableCell[];
  conditions?(obj: KubeObject): TableRowCondition[] | undefined;
}

/** A printer together with the group and kind it serves ("" is the core group). */
export interface PrinterEntry {
  group: string;
  kind: string;
  printer: Printer;
}

/** A CRD additionalPrinterColumns entry (also what platform kinds may declare). */
export type { PrinterColumn as PrinterColumnSpec } from "../resources/resource-type.ts";
