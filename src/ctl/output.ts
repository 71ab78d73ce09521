// Output formats shared by every command that prints objects: `-o json|yaml|name`, v1 Lists for
// several objects, and the managedFields noise hidden unless asked for (as kubectl does).
import { stringify } from "yaml";
import { isObject, type KubeObject } from "../apis/meta/types.ts";
import { UsageError } from "../cli/flags.ts";
import { objectRef } from "./resources.ts";

export type OutputFormat = "table" | "wide" | "json" | "yaml" | "name";

/** The -o value, checked against what the command can print. */
export function parseOutput(
  value: unknown,
  allowed: readonly OutputFormat[],
  fallback: OutputFormat,
): OutputFormat {
  if (value === undefined || value === "") return fallback;
  const v = String(value).toLowerCase();
  if (!(allowed as readonly string[]).includes(v)) {
    throw new UsageError(`unsupported output format "${value}": use one of ${allowed.join(", ")}`);
  }
  return v as OutputFormat;
}

/** JSON (2-space indented) or YAML (sequences unindented and lines never folded, like kubectl). */
export function formatValue(value: unknown, format: "json" | "yaml"): string {
  if (format === "json") return `${JSON.stringify(value, null, 2)}\n`;
  return stringify(value, { lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false });
}

/** `data` as json or yaml, or else as the command's own table of it. */
export function formatTableOrData<T>(format: OutputFormat, data: T, table: (data: T) => string): string {
  return format === "json" || format === "yaml" ? formatValue(data, format) : table(data);
}

/** One object as is, several as a v1 List, which is what `kubectl get -o yaml` prints too. */
export function formatObjects(objects: unknown[], format: "json" | "yaml", asList: boolean): string {
  if (!asList && objects.length === 1) return formatValue(objects[0], format);
  return formatValue(toList(objects), format);
}

export function toList(items: unknown[]): {
  apiVersion: "v1";
  kind: "List";
  metadata: { resourceVersion: string };
  items: unknown[];
} {
  return { apiVersion: "v1", kind: "List", metadata: { resourceVersion: "" }, items };
}

/** A copy without metadata.managedFields, which is server bookkeeping and drowns the object. */
export function withoutManagedFields<T>(obj: T): T {
  if (!isObject(obj) || !isObject(obj.metadata) || !("managedFields" in obj.metadata)) return obj;
  const { managedFields: _omit, ...metadata } = obj.metadata;
  return { ...obj, metadata } as T;
}

/**
 * List items as standalone objects: a list's items may omit apiVersion/kind (the list's kind says
 * them), but a printed object should carry them so it can be applied back.
 */
export function itemsOf(list: { apiVersion?: string; kind?: string; items?: KubeObject[] }): KubeObject[] {
  const kind = list.kind?.replace(/List$/, "") ?? "";
  return (list.items ?? []).map((o) => ({
    ...o,
    apiVersion: o.apiVersion ?? list.apiVersion ?? "",
    kind: o.kind ?? kind,
  }));
}

/** `-o name` of an object: `deployment.apps/web`. */
export function nameOf(obj: KubeObject): string {
  const slash = obj.apiVersion.indexOf("/");
  const group = slash < 0 ? "" : obj.apiVersion.slice(0, slash);
  return objectRef({ kind: obj.kind, group }, obj.metadata.name ?? "");
}

/** "No resources found in shop namespace." (stderr, like kubectl) */
export function noResourcesMessage(namespace: string | undefined): string {
  return namespace ? `No resources found in ${namespace} namespace.\n` : "No resources found\n";
}
