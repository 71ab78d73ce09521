// Reads the status an agent sends in a heartbeat (Heartbeat.status_json). The agent is a remote
// party: only the fields the collector produces are taken, each checked for type and bounded in
// size, so a buggy or hostile agent can neither bloat its Cluster object nor make the status
// write fail schema validation. Fields that do not pass are dropped (and named in the notes);
// only text that is not a JSON object at all is rejected.
import type { ClusterComponents, ObservedClusterStatus } from "../../agent/status/collect.ts";

const MAX_STRING = 256;
const MAX_RESOURCES = 64;
const MAX_MTU_ENTRIES = 10_000;
const MAX_NOTES = 50;

type Json = Record<string, unknown>;

const isObj = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const str = (v: unknown, max = MAX_STRING): string | undefined =>
  typeof v === "string" && v.length <= max ? v : undefined;
const count = (v: unknown): number | undefined =>
  Number.isInteger(v) && (v as number) >= 0 && (v as number) < 2 ** 31 ? (v as number) : undefined;

export class ObservedStatusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObservedStatusError";
  }
}

/** Parses and bounds a heartbeat's status JSON. Throws ObservedStatusError when it is not a JSON object. */
export function observedFromJson(text: string): ObservedClusterStatus {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new ObservedStatusError("the heartbeat's status is not valid JSON");
  }
  if (!isObj(raw)) throw new ObservedStatusError("the heartbeat's status must be a JSON object");
  const dropped: string[] = [];
  const take = <T>(field: string, value: unknown, read: (v: unknown) => T | undefined): T | undefined => {
    if (value === undefined) return undefined;
    const v = read(value);
    if (v === undefined) dropped.push(field);
    return v;
  };
  const notes = Array.isArray(raw.notes)
    ? raw.notes
        .map((n) => str(n, 512))
        .filter((n): n is string => n !== undefined)
        .slice(0, MAX_NOTES)
    : [];
  const out: ObservedClusterStatus = {
    kubernetesVersion: take("kubernetesVersion", raw.kubernetesVersion, (v) => str(v, 64)),
    nodes: take("nodes", raw.nodes, (v) => {
      if (!isObj(v)) return undefined;
      const total = count(v.total);
      const ready = count(v.ready);
      return total !== undefined && ready !== undefined ? { total, ready } : undefined;
    }),
    capacity: take("capacity", raw.capacity, resourceList),
    allocatable: take("allocatable", raw.allocatable, resourceList),
    components: isObj(raw.components) ? components(raw.components, dropped) : {},
    notes,
    observedAt: str(raw.observedAt, 64) ?? new Date().toISOString(),
  };
  for (const k of Object.keys(out) as (keyof ObservedClusterStatus)[])
    if (out[k] === undefined) delete out[k];
  if (dropped.length > 0)
    out.notes.push(`hub: dropped malformed fields from the agent: ${dropped.join(", ")}`);
  return out;
}

function resourceList(v: unknown): Record<string, string> | undefined {
  if (!isObj(v)) return undefined;
  const entries = Object.entries(v);
  if (entries.length > MAX_RESOURCES) return undefined;
  const out: Record<string, string> = {};
  for (const [k, q] of entries) {
    const s = str(q, 64);
    if (k.length > 253 || s === undefined) return undefined;
    out[k] = s;
  }
  return out;
}

function components(c: Json, dropped: string[]): ClusterComponents {
  const out: ClusterComponents = {};
  const set = <K extends keyof ClusterComponents>(
    key: K,
    value: unknown,
    read: (v: unknown) => ClusterComponents[K],
  ) => {
    if (value === undefined) return;
    const v = read(value);
    if (v === undefined) dropped.push(`components.${key}`);
    else out[key] = v;
  };
  set("etcdVersion", c.etcdVersion, (v) => str(v));
  set("kubeProxyMode", c.kubeProxyMode, (v) => str(v));
  set("cni", c.cni, (v) => {
    if (!isObj(v) || str(v.name) === undefined) return undefined;
    const version = str(v.version);
    if (v.version !== undefined && version === undefined) return undefined;
    return { name: v.name as string, ...(version !== undefined ? { version } : {}) };
  });
  set("coreDNSReplicas", c.coreDNSReplicas, (v) => {
    if (!isObj(v)) return undefined;
    const desired = count(v.desired);
    const ready = count(v.ready);
    return desired !== undefined && ready !== undefined ? { desired, ready } : undefined;
  });
  set("mtu", c.mtu, (v) => {
    if (!isObj(v) || Object.keys(v).length > MAX_MTU_ENTRIES) return undefined;
    const out: Record<string, number> = {};
    for (const [node, n] of Object.entries(v)) {
      const mtu = count(n);
      if (node.length > 253 || mtu === undefined) return undefined;
      out[node] = mtu;
    }
    return out;
  });
  return out;
}
