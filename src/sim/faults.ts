// Fault injection as data: the JSON the control API accepts and returns, checked field by
// field, and applied in place to a cluster's FaultState (the object its controllers hold).
// A patch changes only the fields it names; `nodesNotReady` may be node names or a count (the
// last N nodes, workers before the control plane). `cpuLoad` / `memoryLoad` map "namespace/name"
// (or "*", every other workload) to a Load: the fraction of the request each pod uses, or
// {"total": N}, N pods' worth shared by the Ready pods — e.g. {"shop/web": 0.9, "shop/api":
// {"total": 2.4}}; a patch naming one replaces that whole map ({} restores the defaults, see
// metrics/usage.ts).
import type { FaultState, Load } from "./context.ts";

export interface FaultPatch {
  offline?: boolean;
  apiLatencyMs?: number;
  nodesNotReady?: string[] | number;
  crashLoop?: string[];
  appErrorRate?: number;
  appP99LatencyMs?: number;
  cpuLoad?: Record<string, Load>;
  memoryLoad?: Record<string, Load>;
}

/** FaultState as JSON (Sets as sorted lists). */
export interface FaultsJson {
  offline: boolean;
  apiLatencyMs: number;
  nodesNotReady: string[];
  crashLoop: string[];
  appErrorRate: number;
  appP99LatencyMs: number;
  cpuLoad: Record<string, Load>;
  memoryLoad: Record<string, Load>;
}

export class FaultError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "FaultError";
  }
}

const KNOWN = [
  "offline",
  "apiLatencyMs",
  "nodesNotReady",
  "crashLoop",
  "appErrorRate",
  "appP99LatencyMs",
  "cpuLoad",
  "memoryLoad",
];

/** The most a load may be: 100 times the request (usage is still capped by a container's limit). */
export const MAX_LOAD = 100;
/** The most pods' worth a {total} load may be. */
export const MAX_TOTAL_LOAD = 100_000;
const WORKLOAD_KEY = /^[a-z0-9.-]+\/[a-z0-9.-]+$/;

export function faultsJson(f: FaultState): FaultsJson {
  return {
    offline: f.offline,
    apiLatencyMs: f.apiLatencyMs,
    nodesNotReady: [...f.nodesNotReady].sort(),
    crashLoop: [...f.crashLoop].sort(),
    appErrorRate: f.appErrorRate,
    appP99LatencyMs: f.appP99LatencyMs,
    cpuLoad: sortedRecord(f.cpuLoad),
    memoryLoad: sortedRecord(f.memoryLoad),
  };
}

const sortedRecord = (m: Map<string, Load>) =>
  Object.fromEntries([...m].sort(([a], [b]) => (a < b ? -1 : 1)));

/** Checks a patch from JSON; throws FaultError naming the bad field. */
export function parseFaultPatch(body: unknown): FaultPatch {
  if (typeof body !== "object" || body === null || Array.isArray(body))
    throw new FaultError("the body must be a JSON object of faults");
  const b = body as Record<string, unknown>;
  const unknown = Object.keys(b).filter((k) => !KNOWN.includes(k));
  if (unknown.length) throw new FaultError(`unknown fault ${unknown.join(", ")}; known: ${KNOWN.join(", ")}`);
  const p: FaultPatch = {};
  if (b.offline !== undefined) {
    if (typeof b.offline !== "boolean") throw new FaultError("offline must be true or false");
    p.offline = b.offline;
  }
  if (b.apiLatencyMs !== undefined) p.apiLatencyMs = number(b.apiLatencyMs, "apiLatencyMs", 0, 600_000);
  if (b.appP99LatencyMs !== undefined)
    p.appP99LatencyMs = number(b.appP99LatencyMs, "appP99LatencyMs", 1, 600_000);
  if (b.appErrorRate !== undefined) p.appErrorRate = number(b.appErrorRate, "appErrorRate", 0, 1);
  if (b.nodesNotReady !== undefined)
    p.nodesNotReady =
      typeof b.nodesNotReady === "number"
        ? number(b.nodesNotReady, "nodesNotReady", 0, 100_000)
        : strings(b.nodesNotReady, "nodesNotReady");
  if (b.crashLoop !== undefined) {
    p.crashLoop = strings(b.crashLoop, "crashLoop");
    const bad = p.crashLoop.find((s) => !/^[a-z0-9.-]+\/[a-z0-9.-]+$/.test(s));
    if (bad) throw new FaultError(`crashLoop entries are "namespace/name", got "${bad}"`);
  }
  if (b.cpuLoad !== undefined) p.cpuLoad = loads(b.cpuLoad, "cpuLoad");
  if (b.memoryLoad !== undefined) p.memoryLoad = loads(b.memoryLoad, "memoryLoad");
  return p;
}

/**
 * Applies a patch in place. `nodes` are the cluster's node names in order; unknown names are
 * rejected so a typo does not silently inject nothing.
 */
export function applyFaultPatch(f: FaultState, p: FaultPatch, nodes: string[]): void {
  if (p.nodesNotReady !== undefined) {
    const names =
      typeof p.nodesNotReady === "number"
        ? [...nodes].reverse().slice(0, Math.min(p.nodesNotReady, nodes.length))
        : p.nodesNotReady;
    const unknown = names.filter((n) => !nodes.includes(n));
    if (unknown.length)
      throw new FaultError(`no node named ${unknown.join(", ")}; nodes: ${nodes.join(", ")}`);
    replaceSet(f.nodesNotReady, names);
  }
  if (p.crashLoop !== undefined) replaceSet(f.crashLoop, p.crashLoop);
  if (p.offline !== undefined) f.offline = p.offline;
  if (p.apiLatencyMs !== undefined) f.apiLatencyMs = p.apiLatencyMs;
  if (p.appErrorRate !== undefined) f.appErrorRate = p.appErrorRate;
  if (p.appP99LatencyMs !== undefined) f.appP99LatencyMs = p.appP99LatencyMs;
  if (p.cpuLoad !== undefined) replaceMap(f.cpuLoad, p.cpuLoad);
  if (p.memoryLoad !== undefined) replaceMap(f.memoryLoad, p.memoryLoad);
}

function replaceMap(m: Map<string, Load>, values: Record<string, Load>): void {
  m.clear();
  for (const [k, v] of Object.entries(values)) m.set(k, v);
}

/** Sets are replaced in place: controllers hold references to them. */
function replaceSet(s: Set<string>, values: string[]): void {
  s.clear();
  for (const v of values) s.add(v);
}

function number(v: unknown, name: string, min: number, max: number): number {
  if (typeof v !== "number" || !Number.isFinite(v) || v < min || v > max)
    throw new FaultError(`${name} must be a number from ${min} to ${max}`);
  return v;
}

/** {"namespace/name" | "*": Load}, checked entry by entry. */
function loads(v: unknown, name: string): Record<string, Load> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new FaultError(`${name} must be an object of "namespace/name" (or "*") to a load`);
  const out: Record<string, Load> = {};
  for (const [key, value] of Object.entries(v)) {
    if (key !== "*" && !WORKLOAD_KEY.test(key))
      throw new FaultError(`${name} keys are "namespace/name" or "*", got "${key}"`);
    const at = `${name}["${key}"]`;
    if (typeof value === "object" && value !== null && !Array.isArray(value)) {
      const extra = Object.keys(value).filter((k) => k !== "total");
      if (extra.length || !("total" in value))
        throw new FaultError(`${at} must be a fraction of the request or {"total": pods' worth}`);
      out[key] = { total: number((value as { total: unknown }).total, `${at}.total`, 0, MAX_TOTAL_LOAD) };
    } else out[key] = number(value, at, 0, MAX_LOAD);
  }
  return out;
}

function strings(v: unknown, name: string): string[] {
  if (!Array.isArray(v) || !v.every((s) => typeof s === "string" && s !== ""))
    throw new FaultError(`${name} must be a list of names`);
  return v;
}
