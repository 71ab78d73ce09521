// `mcp-sim fault <cluster> [changes]`: a client of the fleet's control API. It finds the API
// through --control or the fleet index (<out>/fleet.json), sends the changes, and prints the
// cluster's faults afterwards. With no change it only prints them.
import { readFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { type FlagSpec, type FlagValue, HELP_FLAG, UsageError } from "../cli/flags.ts";
import type { Load } from "./context.ts";
import type { FaultPatch, FaultsJson } from "./faults.ts";

export const faultFlags: FlagSpec[] = [
  {
    name: "offline",
    type: "boolean",
    description: "refuse connections (--no-offline or --online brings it back)",
  },
  { name: "online", type: "boolean", description: "accept connections again" },
  { name: "latency", type: "duration", description: "delay every API request, e.g. 200ms (0 removes it)" },
  {
    name: "nodes-not-ready",
    type: "string",
    description: "a count (the last N nodes) or comma-separated node names whose kubelet stops; 0 heals",
  },
  {
    name: "crashloop",
    type: "list",
    description: "namespace/name of workloads whose pods crash-loop (repeatable)",
  },
  { name: "error-rate", type: "string", description: "fraction of application requests failing, 0 to 1" },
  { name: "p99", type: "duration", description: "application p99 latency, e.g. 1500ms" },
  {
    name: "cpu-load",
    type: "list",
    description:
      'namespace/name=FRACTION of the CPU request each pod uses, or =total:N (N pods\' worth shared by the ready pods); "*=..." for every other workload; "none" resets',
  },
  {
    name: "memory-load",
    type: "list",
    description: "as --cpu-load, for the memory request",
  },
  { name: "clear", type: "boolean", description: "remove every fault first" },
  {
    name: "control",
    type: "string",
    env: "MCP_SIM_CONTROL",
    description: "control API URL (default: from <out>/fleet.json)",
  },
  {
    name: "out",
    type: "string",
    default: "./mcp-sim",
    env: "MCP_SIM_OUT",
    description: "the fleet's output directory",
  },
  HELP_FLAG,
];

/** The patch the flags ask for (empty when they ask for nothing). */
export function faultPatchFromFlags(f: Record<string, FlagValue>): FaultPatch {
  const p: FaultPatch = {};
  if (f.offline !== undefined && f.online)
    throw new UsageError("--offline and --online contradict each other");
  if (f.offline !== undefined) p.offline = f.offline as boolean;
  if (f.online) p.offline = false;
  if (f.latency !== undefined) p.apiLatencyMs = f.latency as number;
  const nnr = f["nodes-not-ready"];
  if (nnr !== undefined) {
    const text = String(nnr).trim();
    p.nodesNotReady = /^\d+$/.test(text)
      ? Number(text)
      : text
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean);
  }
  if (f.crashloop !== undefined) p.crashLoop = f.crashloop as string[];
  if (f["error-rate"] !== undefined) {
    const rate = Number(f["error-rate"]);
    if (!(rate >= 0 && rate <= 1))
      throw new UsageError(`--error-rate takes a fraction from 0 to 1, got "${f["error-rate"]}"`);
    p.appErrorRate = rate;
  }
  if (f.p99 !== undefined) p.appP99LatencyMs = Math.max(1, f.p99 as number);
  if (f["cpu-load"] !== undefined) p.cpuLoad = loadFlag(f["cpu-load"] as string[], "cpu-load");
  if (f["memory-load"] !== undefined) p.memoryLoad = loadFlag(f["memory-load"] as string[], "memory-load");
  return p;
}

/** ["shop/web=0.9", "*=total:3"] → {"shop/web": 0.9, "*": {total: 3}}; ["none"] → {} (the control API checks the rest). */
function loadFlag(items: string[], flag: string): Record<string, Load> {
  if (items.length === 1 && items[0] === "none") return {};
  const out: Record<string, Load> = {};
  for (const item of items) {
    const m = /^(.+?)=(total:)?([0-9.]+)$/.exec(item);
    const value = m ? Number(m[3]) : Number.NaN;
    if (!m || !Number.isFinite(value))
      throw new UsageError(
        `--${flag} takes namespace/name=FRACTION or namespace/name=total:PODS (or *=..., or none), got "${item}"`,
      );
    out[m[1].trim()] = m[2] ? { total: value } : value;
  }
  return out;
}

export async function controlUrl(f: Record<string, FlagValue>): Promise<string> {
  if (f.control) return String(f.control).replace(/\/+$/, "");
  const index = join(resolve(String(f.out)), "fleet.json");
  let text: string;
  try {
    text = await readFile(index, "utf8");
  } catch {
    throw new UsageError(`no fleet index at ${index}: start mcp-sim first, or pass --out or --control`);
  }
  const url = (JSON.parse(text) as { control?: string }).control;
  if (!url) throw new UsageError(`${index} names no control API`);
  return url;
}

/** Runs the subcommand; returns the text to print. */
export async function runFault(cluster: string, f: Record<string, FlagValue>): Promise<string> {
  const base = `${await controlUrl(f)}/clusters/${encodeURIComponent(cluster)}/faults`;
  const patch = faultPatchFromFlags(f);
  const changes = Object.keys(patch).length > 0;
  let res: Response;
  try {
    if (f.clear) {
      res = await fetch(base, { method: "DELETE" });
      if (res.ok && changes) res = await send(base, "POST", patch);
    } else res = changes ? await send(base, "POST", patch) : await fetch(base);
  } catch (e) {
    throw new Error(`cannot reach the control API at ${base}: ${(e as Error).cause ?? (e as Error).message}`);
  }
  const body = (await res.json()) as FaultsJson & { error?: string };
  if (!res.ok) throw new Error(body.error ?? `control API answered ${res.status}`);
  return describe(cluster, body);
}

function send(url: string, method: string, body: unknown): Promise<Response> {
  return fetch(url, { method, headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

function describe(cluster: string, f: FaultsJson): string {
  const rows: [string, string][] = [
    ["offline", String(f.offline)],
    ["api latency", `${f.apiLatencyMs}ms`],
    ["nodes not ready", f.nodesNotReady.join(", ") || "-"],
    ["crash-looping", f.crashLoop.join(", ") || "-"],
    ["app error rate", String(f.appErrorRate)],
    ["app p99 latency", `${f.appP99LatencyMs}ms`],
    ["cpu load", loads(f.cpuLoad)],
    ["memory load", loads(f.memoryLoad)],
  ];
  return `${cluster}\n${rows.map(([k, v]) => `  ${k.padEnd(16)}${v}`).join("\n")}\n`;
}

const loads = (m: Record<string, Load> | undefined) =>
  Object.entries(m ?? {})
    .map(([k, v]) => `${k}=${typeof v === "number" ? v : `total:${v.total}`}`)
    .join(", ") || "-";
