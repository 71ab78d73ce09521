// The text of `mcpctl describe`: who the object is (metadata), what it asks for and reports (spec,
// status and any other top-level fields as indented YAML), its conditions as a table, and the
// recent events about it. Pure, so it is tested without a hub.
import { X509Certificate } from "node:crypto";
import { stringify } from "yaml";
import { isObject, type KubeObject } from "../apis/meta/types.ts";

export interface EventLike {
  type?: string;
  reason?: string;
  message?: string;
  count?: number;
  firstTimestamp?: string;
  lastTimestamp?: string;
  eventTime?: string;
  source?: { component?: string; host?: string };
  reportingController?: string;
  metadata?: { creationTimestamp?: string };
}

interface ConditionLike {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

/** Kubernetes' short human durations: 45s, 12m, 5h, 3d, 2y. */
export function humanAge(fromIso: string | undefined, now: number): string {
  const t = fromIso ? Date.parse(fromIso) : Number.NaN;
  if (Number.isNaN(t)) return "<unknown>";
  const s = Math.max(0, Math.floor((now - t) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

/** Rows padded into columns three spaces apart, each line indented. */
export function columns(rows: string[][], indent = "  "): string {
  const widths: number[] = [];
  for (const r of rows) {
    for (const [i, c] of r.entries()) widths[i] = Math.max(widths[i] ?? 0, [...c].length);
  }
  return rows
    .map((r) =>
      `${indent}${r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] + 3))).join("")}`.trimEnd(),
    )
    .map((l) => `${l}\n`)
    .join("");
}

const yamlBlock = (value: unknown, indent: string) =>
  stringify(value, { lineWidth: 0, indentSeq: false })
    .trimEnd()
    .split("\n")
    .map((l) => `${indent}${l}`)
    .join("\n");

function mapLines(label: string, map: Record<string, string> | undefined, width: number): string {
  const keys = Object.keys(map ?? {}).sort();
  if (keys.length === 0) return `${label.padEnd(width)}<none>\n`;
  return keys.map((k, i) => `${(i === 0 ? label : "").padEnd(width)}${k}=${map?.[k]}\n`).join("");
}

const FIELD_WIDTH = 20;

/** "spec" → "Spec", "imagePullSecrets" → "Image Pull Secrets". */
function title(field: string): string {
  const spaced = field.replace(/([a-z0-9])([A-Z])/g, "$1 $2");
  return spaced.charAt(0).toUpperCase() + spaced.slice(1);
}

function metadataSection(obj: KubeObject, now: number): string {
  const m = obj.metadata;
  const line = (label: string, value: string | number | undefined) =>
    value === undefined || value === "" ? "" : `${`${label}:`.padEnd(FIELD_WIDTH)}${value}\n`;
  let out = line("Name", m.name);
  out += line("Namespace", m.namespace);
  out += mapLines("Labels:", m.labels, FIELD_WIDTH);
  out += mapLines("Annotations:", m.annotations, FIELD_WIDTH);
  out += line("API Version", obj.apiVersion);
  out += line("Kind", obj.kind);
  out += line(
    "Created",
    m.creationTimestamp ? `${m.creationTimestamp} (${humanAge(m.creationTimestamp, now)} ago)` : undefined,
  );
  if (m.deletionTimestamp)
    out += line("Terminating Since", `${m.deletionTimestamp} (${humanAge(m.deletionTimestamp, now)} ago)`);
  out += line("UID", m.uid);
  out += line("Resource Version", m.resourceVersion);
  out += line("Generation", m.generation);
  if (m.finalizers?.length) out += line("Finalizers", m.finalizers.join(", "));
  for (const [i, ref] of (m.ownerReferences ?? []).entries()) {
    out += line(i === 0 ? "Controlled By" : "", `${ref.kind}/${ref.name}${ref.controller ? "" : " (owner)"}`);
  }
  return out;
}

/** Secret values never reach the terminal: describe shows their sizes, as kubectl does. */
function secretData(data: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(isObject(data) ? data : {})) {
    out[k] = `${typeof v === "string" ? Buffer.from(v, "base64").length : 0} bytes`;
  }
  return out;
}

/**
 * A Cluster's spec.caData is a long base64 PEM that tells a reader nothing; describe shows whose
 * CA it is and when it expires instead (kubectl hides certificate data the same way).
 */
function clusterSpec(spec: unknown): unknown {
  if (!isObject(spec) || typeof spec.caData !== "string") return spec;
  let summary = `${Buffer.from(spec.caData, "base64").length} bytes`;
  try {
    const cert = new X509Certificate(Buffer.from(spec.caData, "base64"));
    summary = `${cert.subject.replace(/\n/g, ", ")}, expires ${new Date(cert.validTo).toISOString()} (${summary})`;
  } catch {
    // not a certificate: the size is all there is to say
  }
  return { ...spec, caData: summary };
}

function fieldSections(obj: KubeObject): string {
  let out = "";
  const skip = new Set(["apiVersion", "kind", "metadata", "status"]);
  const isSecret = obj.kind === "Secret" && obj.apiVersion === "v1";
  for (const [field, value] of Object.entries(obj)) {
    if (skip.has(field) || value === undefined || value === null) continue;
    const isCluster = obj.kind === "Cluster" && obj.apiVersion.startsWith("mcp.platform/");
    const shown =
      isSecret && (field === "data" || field === "stringData")
        ? secretData(value)
        : isCluster && field === "spec"
          ? clusterSpec(value)
          : value;
    out += section(title(field), shown);
  }
  const status = isObject(obj.status) ? { ...obj.status } : undefined;
  if (status) {
    delete status.conditions;
    if (Object.keys(status).length > 0) out += section("Status", status);
  }
  return out;
}

function section(name: string, value: unknown): string {
  if (isObject(value) || Array.isArray(value)) {
    const empty = isObject(value) ? Object.keys(value).length === 0 : value.length === 0;
    return empty ? `${`${name}:`.padEnd(FIELD_WIDTH)}<none>\n` : `${name}:\n${yamlBlock(value, "  ")}\n`;
  }
  return `${`${name}:`.padEnd(FIELD_WIDTH)}${String(value)}\n`;
}

function conditionsSection(obj: KubeObject, now: number): string {
  const conditions =
    isObject(obj.status) && Array.isArray(obj.status.conditions)
      ? (obj.status.conditions as ConditionLike[])
      : [];
  if (conditions.length === 0) return "";
  const rows = [["Type", "Status", "Reason", "Age", "Message"]];
  for (const c of conditions) {
    rows.push([
      c.type ?? "",
      c.status ?? "",
      c.reason ?? "",
      c.lastTransitionTime ? humanAge(c.lastTransitionTime, now) : "",
      c.message ?? "",
    ]);
  }
  return `Conditions:\n${columns(rows)}`;
}

const eventTime = (e: EventLike) =>
  e.lastTimestamp || e.eventTime || e.firstTimestamp || e.metadata?.creationTimestamp;

function eventsSection(events: EventLike[] | undefined, now: number): string {
  if (!events) return "";
  if (events.length === 0) return `${"Events:".padEnd(FIELD_WIDTH)}<none>\n`;
  const sorted = [...events].sort((a, b) => Date.parse(eventTime(a) ?? "") - Date.parse(eventTime(b) ?? ""));
  const rows = [
    ["Type", "Reason", "Age", "From", "Message"],
    ["----", "------", "----", "----", "-------"],
  ];
  for (const e of sorted) {
    let age = humanAge(eventTime(e), now);
    if ((e.count ?? 1) > 1 && e.firstTimestamp)
      age += ` (x${e.count} over ${humanAge(e.firstTimestamp, now)})`;
    const from = e.source?.component || e.reportingController || "";
    rows.push([e.type ?? "", e.reason ?? "", age, from, (e.message ?? "").replace(/\s*\n\s*/g, " ")]);
  }
  return `Events:\n${columns(rows)}`;
}

/** The whole describe text of one object; `events` undefined leaves the Events section out. */
export function describeObject(obj: KubeObject, events: EventLike[] | undefined, now: number): string {
  return (
    metadataSection(obj, now) + fieldSections(obj) + conditionsSection(obj, now) + eventsSection(events, now)
  );
}
