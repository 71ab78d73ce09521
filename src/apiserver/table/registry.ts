// The one registry of table printers, keyed by API group and kind, plus the fallbacks: the
// printer built from CRD additionalPrinterColumns, Kubernetes' default NAME / CREATED AT table
// for the built-in kinds that have no printer, and our NAME / AGE default for everything else.
import type { KubeObject } from "../../apis/meta/types.ts";
import { AGE_COLUMN, age, CREATION_DESCRIPTION, column, NAME_COLUMN } from "./cells.ts";
import { humanDuration, parseTimestamp } from "./duration.ts";
import { compileJsonPath, type JsonPath } from "./jsonpath.ts";
import { appsPrinters } from "./printers/apps.ts";
import { autoscalingPrinters } from "./printers/autoscaling.ts";
import { batchPrinters } from "./printers/batch.ts";
import { controlPlanePrinters } from "./printers/control-plane.ts";
import { corePrinters } from "./printers/core.ts";
import { mcpPrinters } from "./printers/mcp.ts";
import { networkingPrinters } from "./printers/networking.ts";
import { podPrinters } from "./printers/pod.ts";
import { rbacPrinters } from "./printers/rbac.ts";
import { storagePrinters } from "./printers/storage.ts";
import type { PrintContext, Printer, PrinterColumnSpec, PrinterEntry, TableCell } from "./types.ts";

// Go's zero time, which metav1 prints for an object without a creationTimestamp.
const ZERO_TIME = "0001-01-01T00:00:00Z";

/** time.RFC3339 in UTC at second precision, as metav1.Time serializes. */
function rfc3339(ts: unknown): string {
  const t = parseTimestamp(ts);
  return t === undefined ? ZERO_TIME : new Date(t).toISOString().replace(/\.\d{3}Z$/, "Z");
}

const CREATED_AT_COLUMN = column("Created At", CREATION_DESCRIPTION, { type: "date" });

/** Kubernetes' default table convertor: what kube-apiserver serves for Role, ClusterRole, CRD... */
export const kubernetesDefaultPrinter: Printer = {
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  cells: (o) => [o.metadata.name ?? "", rfc3339(o.metadata.creationTimestamp)],
};

/** Our default for kinds without a printer: NAME, AGE, and CREATED AT with -o wide. */
export const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN, { ...CREATED_AT_COLUMN, priority: 1 }],
  cells: (o, ctx) => [o.metadata.name ?? "", age(o, ctx), rfc3339(o.metadata.creationTimestamp)],
};

const kubernetesDefaultKinds: [group: string, kind: string][] = [
  ["rbac.authorization.k8s.io", "Role"],
  ["rbac.authorization.k8s.io", "ClusterRole"],
  ["apiextensions.k8s.io", "CustomResourceDefinition"],
  ["", "LimitRange"],
];

const entries: PrinterEntry[] = [
  ...corePrinters,
  ...podPrinters,
  ...networkingPrinters,
  ...appsPrinters,
  ...autoscalingPrinters,
  ...batchPrinters,
  ...storagePrinters,
  ...rbacPrinters,
  ...controlPlanePrinters,
  ...mcpPrinters,
  ...kubernetesDefaultKinds.map(([group, kind]) => ({ group, kind, printer: kubernetesDefaultPrinter })),
];

const registry = new Map<string, Printer>(entries.map((e) => [`${e.group}/${e.kind}`, e.printer]));

/** The printer for a group ("" for core) and kind; the NAME / AGE default when there is none. */
export function printerFor(group: string, kind: string): Printer {
  return registry.get(`${group}/${kind}`) ?? defaultPrinter;
}

/** Go's json.Marshal: map keys sorted, HTML-sensitive characters escaped. */
function goJson(value: unknown): string {
  const sorted = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sorted);
    if (typeof v === "object" && v !== null) {
      const rec = v as Record<string, unknown>;
      return Object.fromEntries(
        Object.keys(rec)
          .sort()
          .map((k) => [k, sorted(rec[k])]),
      );
    }
    return v;
  };
  const escapes: Record<string, string> = { "<": "\\u003c", ">": "\\u003e", "&": "\\u0026" };
  return JSON.stringify(sorted(value)).replace(/[<>&]/g, (c) => escapes[c]);
}

/** cellForJSONValue plus the string-column printing of the CRD table convertor. */
function crdCell(type: string, value: unknown, ctx: PrintContext): TableCell {
  if (value === null || value === undefined) return null;
  switch (type) {
    case "string":
      if (typeof value === "object") return goJson(value);
      return String(value);
    case "integer":
      return typeof value === "number" ? Math.trunc(value) : null;
    case "number":
      return typeof value === "number" ? value : null;
    case "boolean":
      return typeof value === "boolean" ? value : null;
    case "date": {
      if (typeof value !== "string") return null;
      const t = parseTimestamp(value);
      if (t === undefined) return "<invalid>";
      return value === ZERO_TIME ? "<unknown>" : humanDuration(ctx.now - t);
    }
    default:
      return null;
  }
}

const DEFAULT_CRD_COLUMNS: PrinterColumnSpec[] = [
  { name: "Age", type: "date", jsonPath: ".metadata.creationTimestamp", description: CREATION_DESCRIPTION },
];

/**
 * The CRD table convertor: NAME then one column per additionalPrinterColumns entry (AGE when
 * there are none). Paths that do not compile yield empty cells rather than failing the list.
 */
export function printerFromColumns(specs: readonly PrinterColumnSpec[]): Printer {
  const effective = specs.length > 0 ? specs : DEFAULT_CRD_COLUMNS;
  const paths: JsonPath[] = effective.map((c) => {
    try {
      return compileJsonPath(c.jsonPath);
    } catch {
      return () => [];
    }
  });
  return {
    columns: [
      NAME_COLUMN,
      ...effective.map((c) => ({
        name: c.name,
        type: c.type,
        format: c.format ?? "",
        description: c.description || `Custom resource definition column (in JSONPath format): ${c.jsonPath}`,
        priority: c.priority ?? 0,
      })),
    ],
    cells: (o: KubeObject, ctx) => [
      o.metadata.name ?? "",
      ...effective.map((c, i) => crdCell(c.type, paths[i](o)[0], ctx)),
    ],
  };
}
