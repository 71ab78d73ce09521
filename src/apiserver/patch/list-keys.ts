// Schema knowledge the patch machinery needs but cannot read from Go struct tags: which lists are
// maps keyed by which fields (Kubernetes' patchMergeKey / x-kubernetes-list-map-keys), which are
// sets, which structs are atomic, and which struct fields Go always serializes. Rules are keyed by
// field path with list items elided ("spec.template.spec.containers.env"), not by kind, so a
// containers rule holds for Pods, Deployments, Jobs and CronJobs alike.

/** How server-side apply treats a list (x-kubernetes-list-type). */
export type SsaListType =
  | { type: "map"; keys: readonly string[]; defaults: Readonly<Record<string, unknown>> }
  | { type: "set" }
  | { type: "atomic" };

/** How strategic merge patch treats a list (patchStrategy / patchMergeKey). */
export interface SmpListMeta {
  strategy: "merge" | "replace";
  /** Absent for merged lists of primitives (finalizers). */
  mergeKey?: string;
}

/** Whether the object is a built-in kind (whose Go types we know) or a custom resource. */
export interface KindScope {
  builtin: boolean;
}

interface ListRule {
  ssa: SsaListType;
  smp: SmpListMeta;
}

const ATOMIC: SsaListType = { type: "atomic" };
const REPLACE: SmpListMeta = { strategy: "replace" };

const keyed = (key: string, ssaKeys: string[] = [key], defaults: Record<string, unknown> = {}): ListRule => ({
  ssa: { type: "map", keys: ssaKeys, defaults },
  smp: { strategy: "merge", mergeKey: key },
});

// Where a PodSpec sits: Pod, PodTemplate, workload templates, CronJob's job template.
const POD_SPECS = ["spec", "template.spec", "spec.template.spec", "spec.jobTemplate.spec.template.spec"];
const CONTAINER_LISTS = ["containers", "initContainers", "ephemeralContainers"];

const POD_SPEC_RULES: Record<string, ListRule> = {
  containers: keyed("name"),
  initContainers: keyed("name"),
  ephemeralContainers: keyed("name"),
  volumes: keyed("name"),
  imagePullSecrets: keyed("name"),
  hostAliases: keyed("ip"),
  schedulingGates: keyed("name"),
  resourceClaims: keyed("name"),
  // SMP merges by topologyKey alone; SSA needs both fields to tell constraints apart.
  topologySpreadConstraints: keyed("topologyKey", ["topologyKey", "whenUnsatisfiable"]),
  tolerations: { ssa: ATOMIC, smp: REPLACE },
  readinessGates: { ssa: ATOMIC, smp: REPLACE },
};

const CONTAINER_RULES: Record<string, ListRule> = {
  env: keyed("name"),
  // protocol defaults to TCP in the OpenAPI schema, and SSA uses the default for a missing key.
  ports: keyed("containerPort", ["containerPort", "protocol"], { protocol: "TCP" }),
  volumeMounts: keyed("mountPath"),
  volumeDevices: keyed("devicePath"),
  resizePolicy: { ssa: ATOMIC, smp: REPLACE },
};

const OTHER_BUILTIN_RULES: Record<string, ListRule> = {
  "spec.ports": keyed("port", ["port", "protocol"], { protocol: "TCP" }), // Service
  "status.podIPs": keyed("ip"),
  "status.hostIPs": keyed("ip"),
};

function buildBuiltinRules(): Map<string, ListRule> {
  const rules = new Map<string, ListRule>(Object.entries(OTHER_BUILTIN_RULES));
  for (const podSpec of POD_SPECS) {
    for (const [field, rule] of Object.entries(POD_SPEC_RULES)) rules.set(`${podSpec}.${field}`, rule);
    for (const list of CONTAINER_LISTS) {
      for (const [field, rule] of Object.entries(CONTAINER_RULES)) {
        rules.set(`${podSpec}.${list}.${field}`, rule);
      }
    }
  }
  return rules;
}

const BUILTIN_RULES = buildBuiltinRules();

// ObjectMeta is the same for every kind (custom resources included), wherever it is embedded.
const METADATA_RULES: Record<string, ListRule> = {
  finalizers: { ssa: { type: "set" }, smp: { strategy: "merge" } },
  ownerReferences: keyed("uid"),
};

// The conditions convention (type-keyed) holds for built-ins and for the platform's own kinds.
const CONDITIONS = keyed("type");

function lookup(path: readonly string[], scope: KindScope): ListRule | undefined {
  const n = path.length;
  if (n >= 2 && path[n - 2] === "metadata") {
    const rule = METADATA_RULES[path[n - 1]];
    if (rule) return rule;
  }
  if (n === 2 && path[0] === "status" && path[1] === "conditions") return CONDITIONS;
  if (!scope.builtin) return undefined;
  return BUILTIN_RULES.get(path.join("."));
}

/** The SSA list type at a field path (list items elided); unknown lists are atomic. */
export function ssaListType(path: readonly string[], scope: KindScope = { builtin: true }): SsaListType {
  return lookup(path, scope)?.ssa ?? ATOMIC;
}

/** The SMP strategy at a field path; unknown lists are replaced wholesale. */
export function smpListMeta(path: readonly string[]): SmpListMeta {
  return lookup(path, { builtin: true })?.smp ?? REPLACE;
}

// Structs marked +structType=atomic (LabelSelector, the *KeySelector/*FieldSelector references,
// NodeSelector) and Service's +mapType=atomic selector: SSA owns them whole.
const ATOMIC_STRUCT_NAMES = new Set([
  "labelSelector",
  "namespaceSelector",
  "podSelector",
  "configMapKeyRef",
  "secretKeyRef",
  "fieldRef",
  "resourceFieldRef",
]);

/** Whether SSA treats the map at this field path as one atomic value. */
export function isAtomicStruct(path: readonly string[], scope: KindScope = { builtin: true }): boolean {
  if (!scope.builtin || path.length === 0) return false;
  const last = path[path.length - 1];
  if (last === "selector") return path[path.length - 2] === "spec";
  // podAffinity's required terms are a list; only nodeAffinity's is an atomic NodeSelector.
  if (last === "requiredDuringSchedulingIgnoredDuringExecution")
    return path[path.length - 2] === "nodeAffinity";
  return ATOMIC_STRUCT_NAMES.has(last);
}

// Struct fields Go serializes even when unset (non-pointer structs, fields without omitempty).
// Kubernetes compares typed objects, so these are never "added" as a whole and an Update entry
// does not own them: `f:spec` carries no `.` while `f:labels` (omitempty map) does.
const ALWAYS_PRESENT_BUILTIN = new Set([
  "metadata",
  "spec",
  "status",
  "spec.template",
  "spec.template.metadata",
  "spec.template.spec",
  "spec.template.spec.containers",
  "spec.containers",
  "spec.strategy",
  "spec.updateStrategy",
  "spec.selector",
  "spec.jobTemplate",
  "spec.jobTemplate.spec",
  "spec.jobTemplate.spec.template",
  "spec.jobTemplate.spec.template.metadata",
  "spec.jobTemplate.spec.template.spec",
  "spec.jobTemplate.spec.template.spec.containers",
  "status.loadBalancer",
]);

/** Whether a field is present (as a zero value) in every typed object of the kind. */
export function isAlwaysPresent(path: readonly string[], scope: KindScope = { builtin: true }): boolean {
  const joined = path.join(".");
  if (joined === "metadata") return true;
  return scope.builtin && ALWAYS_PRESENT_BUILTIN.has(joined);
}
