// Server-side printing: turns objects into the meta.k8s.io/v1 Table that kube-apiserver returns
// for `Accept: application/json;as=Table;v=v1;g=meta.k8s.io`, including the includeObject
// handling of the request scope (PartialObjectMetadata by default).
import type { KubeObject, ListMeta } from "../../apis/meta/types.ts";
import { errors } from "../errors.ts";
import { printerFor, printerFromColumns } from "./registry.ts";
import {
  type PartialObjectMetadata,
  type PrinterColumnSpec,
  TABLE_API_VERSION,
  type Table,
  type TableRow,
} from "./types.ts";

export interface ToTableOptions {
  kind: string;
  /** API group; "" for the core group. */
  group: string;
  /** metav1.TableOptions.includeObject: None, Metadata (default) or Object. */
  includeObject?: string;
  /** CRD additionalPrinterColumns; when given they replace the registered printer. */
  printerColumns?: readonly PrinterColumnSpec[];
  /** resourceVersion / continue / remainingItemCount of the list (or the object's resourceVersion). */
  listMeta?: ListMeta;
  /** metav1.TableOptions.noHeaders: leave out the column definitions (watch events after the first). */
  noHeaders?: boolean;
  /** The clock for AGE cells; defaults to the current time. */
  now?: number | Date;
}

function rowObject(obj: KubeObject, include: string): TableRow["object"] {
  switch (include) {
    case "":
    case "Metadata": {
      const partial: PartialObjectMetadata = {
        kind: "PartialObjectMetadata",
        apiVersion: TABLE_API_VERSION,
        metadata: { ...obj.metadata },
      };
      return partial;
    }
    case "Object":
      return obj;
    default:
      return undefined;
  }
}

function tableMeta(meta: ListMeta | undefined): ListMeta {
  const out: ListMeta = {};
  // Go omits these when empty, so the Table carries only what the list had.
  if (meta?.resourceVersion) out.resourceVersion = meta.resourceVersion;
  if (meta?.continue) out.continue = meta.continue;
  if (meta?.remainingItemCount !== undefined) out.remainingItemCount = meta.remainingItemCount;
  return out;
}

/**
 * Prints objects of one kind as a Table. Every row carries all cells, wide ones included, as
 * kube-apiserver does; clients hide columns with priority > 0 unless asked for wide output.
 * Throws a BadRequest ApiError for an unknown includeObject value.
 */
export function toTable(objects: readonly KubeObject[], options: ToTableOptions): Table {
  const include = options.includeObject ?? "";
  if (!["", "None", "Metadata", "Object"].includes(include)) {
    throw errors.badRequest(`unrecognized includeObject value: ${JSON.stringify(include)}`);
  }
  const printer = options.printerColumns
    ? printerFromColumns(options.printerColumns)
    : printerFor(options.group, options.kind);
  const now = options.now === undefined ? Date.now() : Number(options.now);
  const ctx = { now };
  const rows = objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.cells(obj, ctx) };
    const conditions = printer.conditions?.(obj);
    if (conditions) row.conditions = conditions;
    const object = rowObject(obj, include);
    if (object) row.object = object;
    return row;
  });
  return {
    kind: "Table",
    apiVersion: TABLE_API_VERSION,
    metadata: tableMeta(options.listMeta),
    columnDefinitions: options.noHeaders ? [] : printer.columns.map((c) => ({ ...c })),
    rows,
  };
}
