// Where a Pod's spec sits in each workload kind, for the CEL library functions podSpec() and
// allContainers() that the built-in conditions (and users' own) read containers through.

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === "object" && x !== null && !Array.isArray(x);

/** Kinds whose spec.template.spec is a pod spec. */
const TEMPLATED = new Set([
  "Deployment",
  "StatefulSet",
  "DaemonSet",
  "ReplicaSet",
  "Job",
  "ReplicationController",
]);

function at(o: unknown, ...path: string[]): unknown {
  let cur = o;
  for (const p of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
}

/** The pod spec of a Pod, a pod-templated workload or a CronJob; undefined for anything else. */
export function podSpec(obj: unknown): Obj | undefined {
  if (!isObj(obj)) return undefined;
  const kind = obj.kind;
  let spec: unknown;
  if (kind === "Pod") spec = obj.spec;
  else if (kind === "CronJob") spec = at(obj, "spec", "jobTemplate", "spec", "template", "spec");
  else if (typeof kind === "string" && TEMPLATED.has(kind)) spec = at(obj, "spec", "template", "spec");
  return isObj(spec) ? spec : undefined;
}

/** Containers, initContainers and ephemeralContainers of the object's pod spec ([] if none). */
export function allContainers(obj: unknown): Obj[] {
  const spec = podSpec(obj);
  if (!spec) return [];
  const out: Obj[] = [];
  for (const field of ["containers", "initContainers", "ephemeralContainers"]) {
    const list = spec[field];
    if (Array.isArray(list)) for (const c of list) if (isObj(c)) out.push(c);
  }
  return out;
}
