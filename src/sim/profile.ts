// What each simulated cluster looks like: built-in defaults (a kubeadm-style v1.29 cluster with
// Calico), overridden by a profile file's `defaults`, then by command-line flags, then by the
// file's per-cluster `clusters[]` entries (glob on the cluster name), so one fleet can mix
// Kubernetes versions, CNIs and sizes. Cluster labels (region, zone) vary round-robin.
//
// Profile file (YAML):
//   defaults: {nodes: 5, kubeProxyMode: ipvs, labels: {env: prod}}
//   regions: [us-east, us-west]
//   clusters:
//     - match: "sim-00[1-4]"
//       kubernetesVersion: v1.28.9
//       cni: {name: cilium, version: 1.14.5, mtu: 1450}
import { readFile } from "node:fs/promises";
import { parse } from "yaml";
import { parseDuration } from "../cli/duration.ts";
import type { SimProfile } from "./context.ts";

/** Profile fields a file or flags may set; durations may be "1s" strings or milliseconds. */
export type ProfileOverrides = Partial<Omit<SimProfile, "name" | "cni">> & {
  cni?: Partial<SimProfile["cni"]>;
};

export interface ProfileFile {
  defaults?: ProfileOverrides;
  /** Regions assigned round-robin to clusters (label `region`). */
  regions?: string[];
  clusters?: { match: string[]; overrides: ProfileOverrides }[];
}

export class ProfileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ProfileError";
  }
}

export const DEFAULT_REGIONS = ["us-east", "us-west"];

const CNI_DEFAULTS: Record<SimProfile["cni"]["name"], { version: string; mtu: number }> = {
  calico: { version: "v3.27.2", mtu: 1440 },
  cilium: { version: "v1.14.5", mtu: 1450 },
};

/** A profile before it is given to one cluster (name and placement labels come later). */
type BaseProfile = Omit<SimProfile, "name" | "labels"> & { labels?: Record<string, string> };

export const DEFAULT_PROFILE: BaseProfile = {
  kubernetesVersion: "v1.29.4",
  nodes: 3,
  nodeCpu: "8",
  nodeMemory: "32Gi",
  nodePods: 110,
  cni: { name: "calico", ...CNI_DEFAULTS.calico },
  kubeProxyMode: "iptables",
  etcdVersion: "3.5.12",
  coreDNSReplicas: 2,
  podStartDelayMs: 1000,
  nodeHeartbeatMs: 10_000,
};

/** sim-001, sim-002, ...; wider when the fleet has 1,000 clusters or more. */
export function clusterName(index: number, total: number): string {
  return `sim-${String(index + 1).padStart(Math.max(3, String(total).length), "0")}`;
}

/** "1.29.4" or "v1.29.4" → "v1.29.4". */
export function normalizeVersion(v: string, what: string): string {
  const m = /^v?(\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.-]+)?)$/.exec(v.trim());
  if (!m) throw new ProfileError(`${what} must look like v1.29.4, got "${v}"`);
  return `v${m[1]}`;
}

/** The profile of every cluster of the fleet, in order. */
export function fleetProfiles(
  names: string[],
  flags: ProfileOverrides,
  file: ProfileFile = {},
): SimProfile[] {
  const regions = file.regions?.length ? file.regions : DEFAULT_REGIONS;
  const base = merge(merge(DEFAULT_PROFILE, file.defaults ?? {}), flags);
  const rules = (file.clusters ?? []).map((c) => ({
    patterns: c.match.map(globToRegExp),
    overrides: c.overrides,
  }));
  return names.map((name, i) => {
    let p = merge(base, {});
    for (const r of rules) if (r.patterns.some((re) => re.test(name))) p = merge(p, r.overrides);
    const region = p.labels?.region ?? regions[i % regions.length];
    const zone = p.labels?.zone ?? `${region}-${"abc"[Math.floor(i / regions.length) % 3]}`;
    return { ...p, name, labels: { provider: "mcp-sim", env: "prod", ...p.labels, region, zone } };
  });
}

function merge(base: BaseProfile, o: ProfileOverrides): BaseProfile {
  const out = { ...base, cni: { ...base.cni } };
  for (const [k, v] of Object.entries(o)) {
    if (v === undefined || k === "cni" || k === "labels") continue;
    (out as Record<string, unknown>)[k] = v;
  }
  if (o.cni) {
    // Switching CNI without a version takes that CNI's defaults, not the other one's.
    const switched = o.cni.name !== undefined && o.cni.name !== base.cni.name;
    const defaults = switched ? CNI_DEFAULTS[o.cni.name!] : base.cni;
    out.cni = { ...out.cni, ...defaults, ...stripUndefined(o.cni) };
  }
  if (o.labels) out.labels = { ...base.labels, ...o.labels };
  return out;
}

const stripUndefined = <T extends object>(o: T): Partial<T> =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

/** Shell-style glob: * ? [a-z] [!x]. */
export function globToRegExp(glob: string): RegExp {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else if (c === "[") {
      const end = glob.indexOf("]", i + 1);
      if (end < 0) throw new ProfileError(`unclosed [ in pattern "${glob}"`);
      const body = glob
        .slice(i + 1, end)
        .replace(/^!/, "^")
        .replace(/\\/g, "\\\\");
      re += `[${body}]`;
      i = end;
    } else re += c.replace(/[.+^${}()|\\/]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

export async function loadProfileFile(path: string): Promise<ProfileFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    throw new ProfileError(`cannot read profile ${path}: ${(e as Error).message}`);
  }
  return parseProfileFile(text, path);
}

export function parseProfileFile(text: string, source = "profile"): ProfileFile {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new ProfileError(`${source}: invalid YAML: ${(e as Error).message}`);
  }
  if (doc === null || doc === undefined) return {};
  const top = asRecord(doc, source);
  unknownKeys(top, ["defaults", "regions", "clusters"], source);
  const out: ProfileFile = {};
  if (top.defaults !== undefined) out.defaults = parseOverrides(top.defaults, `${source}: defaults`);
  if (top.regions !== undefined) out.regions = stringList(top.regions, `${source}: regions`);
  if (top.clusters !== undefined) {
    if (!Array.isArray(top.clusters)) throw new ProfileError(`${source}: clusters must be a list`);
    out.clusters = top.clusters.map((c, i) => {
      const where = `${source}: clusters[${i}]`;
      const { match, ...rest } = asRecord(c, where);
      if (match === undefined) throw new ProfileError(`${where}: match (a cluster name glob) is required`);
      const patterns = typeof match === "string" ? [match] : stringList(match, `${where}.match`);
      for (const p of patterns) globToRegExp(p);
      return { match: patterns, overrides: parseOverrides(rest, where) };
    });
  }
  return out;
}

/** Checks one set of overrides (from a file or flags) and converts durations to milliseconds. */
export function parseOverrides(raw: unknown, where: string): ProfileOverrides {
  const r = asRecord(raw, where);
  const o: ProfileOverrides = {};
  for (const [k, v] of Object.entries(r)) {
    const at = `${where}.${k}`;
    switch (k) {
      case "kubernetesVersion":
        o.kubernetesVersion = normalizeVersion(String(v), at);
        break;
      case "etcdVersion":
        o.etcdVersion = String(v).replace(/^v/, "");
        break;
      case "nodes":
      case "nodePods":
      case "coreDNSReplicas":
        o[k] = count(v, at, k === "nodes" ? 1 : 0);
        break;
      case "nodeCpu":
      case "nodeMemory":
        o[k] = String(v);
        break;
      case "kubeProxyMode":
        if (v !== "iptables" && v !== "ipvs") throw new ProfileError(`${at} must be iptables or ipvs`);
        o.kubeProxyMode = v;
        break;
      case "podStartDelayMs":
      case "podStartDelay":
        o.podStartDelayMs = duration(v, at);
        break;
      case "nodeHeartbeatMs":
      case "nodeHeartbeat":
        o.nodeHeartbeatMs = Math.max(100, duration(v, at));
        break;
      case "hpaSyncPeriodMs":
      case "hpaSyncPeriod":
        o.hpaSyncPeriodMs = Math.max(100, duration(v, at));
        break;
      case "metricResolutionMs":
      case "metricResolution":
        o.metricResolutionMs = Math.max(100, duration(v, at));
        break;
      case "labels":
        o.labels = Object.fromEntries(Object.entries(asRecord(v, at)).map(([lk, lv]) => [lk, String(lv)]));
        break;
      case "cni":
        o.cni = parseCni(v, at);
        break;
      default:
        throw new ProfileError(`${at}: unknown field`);
    }
  }
  return o;
}

function parseCni(v: unknown, at: string): Partial<SimProfile["cni"]> {
  const c = asRecord(v, at);
  unknownKeys(c, ["name", "version", "mtu"], at);
  const out: Partial<SimProfile["cni"]> = {};
  if (c.name !== undefined) {
    if (c.name !== "calico" && c.name !== "cilium")
      throw new ProfileError(`${at}.name must be calico or cilium`);
    out.name = c.name;
  }
  if (c.version !== undefined) out.version = normalizeVersion(String(c.version), `${at}.version`);
  if (c.mtu !== undefined) out.mtu = count(c.mtu, `${at}.mtu`, 576);
  return out;
}

function asRecord(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new ProfileError(`${where} must be a mapping`);
  return v as Record<string, unknown>;
}

function unknownKeys(r: Record<string, unknown>, known: string[], where: string): void {
  const bad = Object.keys(r).filter((k) => !known.includes(k));
  if (bad.length) throw new ProfileError(`${where}: unknown field ${bad.map((k) => `"${k}"`).join(", ")}`);
}

function stringList(v: unknown, where: string): string[] {
  if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === "string" && x !== ""))
    throw new ProfileError(`${where} must be a non-empty list of strings`);
  return v;
}

function count(v: unknown, where: string, min: number): number {
  const n = typeof v === "string" && v.trim() !== "" ? Number(v) : v;
  if (typeof n !== "number" || !Number.isInteger(n) || n < min)
    throw new ProfileError(`${where} must be a whole number >= ${min}, got ${JSON.stringify(v)}`);
  return n;
}

function duration(v: unknown, where: string): number {
  if (typeof v === "number" && v >= 0) return v;
  const ms = typeof v === "string" ? parseDuration(v) : undefined;
  if (ms === undefined) throw new ProfileError(`${where} must be a duration such as 1s or 500ms`);
  return ms;
}
