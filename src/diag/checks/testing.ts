// Fixture builders for check tests: compact constructors for the Kubernetes objects checks read,
// and a helper that runs one check over a snapshot and returns its findings as "CODE kind/ns/name"
// keys, so each test can assert the exact set of findings with one deepEqual.
import type { KubeObject, ObjectMeta } from "../../apis/meta/types.ts";
import type { Check, CheckContext, ClusterSnapshot, Finding, SnapshotKey } from "../types.ts";

export const NOW = new Date("2025-06-01T12:00:00Z");

export function snapshot(objects: Partial<Record<SnapshotKey, KubeObject[]>>): ClusterSnapshot {
  return {
    kubernetesVersion: "v1.30.2",
    objects,
    unreadable: {},
    servedResources: [],
    kubeconfigCertificates: [],
  };
}

export function context(snap: ClusterSnapshot, now: Date = NOW): CheckContext {
  return { snapshot: snap, now };
}

/** "MCP-XXX-000 Kind ns/name" per finding (or "MCP-XXX-000 cluster"), sorted, for exact-set asserts. */
export function findingKeys(findings: Finding[]): string[] {
  return findings
    .map((f) => {
      const o = f.object;
      if (!o) return `${f.code} cluster`;
      return `${f.code} ${o.kind} ${o.namespace ? `${o.namespace}/` : ""}${o.name}`;
    })
    .sort();
}

/** Runs a check and checks the invariants every finding must meet, whatever the check. */
export function runCheck(check: Check, ctx: CheckContext): Finding[] {
  const findings = check.run(ctx);
  for (const f of findings) {
    if (f.code !== check.code) throw new Error(`finding code ${f.code} differs from check ${check.code}`);
    if (!f.message || !f.fix) throw new Error(`${f.code}: finding without message or fix`);
    if (f.object && !f.message.includes(f.object.name)) {
      throw new Error(`${f.code}: message does not name ${f.object.name}: ${f.message}`);
    }
  }
  return findings;
}

function meta(name: string, namespace?: string, extra: Partial<ObjectMeta> = {}): ObjectMeta {
  return namespace ? { name, namespace, ...extra } : { name, ...extra };
}

export function obj(
  apiVersion: string,
  kind: string,
  name: string,
  namespace: string | undefined,
  body: Record<string, unknown> = {},
  extra: Partial<ObjectMeta> = {},
): KubeObject {
  return { apiVersion, kind, metadata: meta(name, namespace, extra), ...body };
}

export function namespace(name: string, labels?: Record<string, string>): KubeObject {
  return obj("v1", "Namespace", name, undefined, {}, labels ? { labels } : {});
}

export function node(name: string, annotations?: Record<string, string>): KubeObject {
  return obj("v1", "Node", name, undefined, { spec: {}, status: {} }, annotations ? { annotations } : {});
}

export interface PodOptions {
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
  phase?: string;
  ready?: boolean;
  ownerReferences?: ObjectMeta["ownerReferences"];
}

export function pod(namespace: string, name: string, opts: PodOptions = {}): KubeObject {
  const spec = opts.spec ?? { containers: [{ name: "app", image: "nginx:1.27" }] };
  const ready = opts.ready ?? true;
  const extra: Partial<ObjectMeta> = {};
  if (opts.labels) extra.labels = opts.labels;
  if (opts.ownerReferences) extra.ownerReferences = opts.ownerReferences;
  return obj(
    "v1",
    "Pod",
    name,
    namespace,
    {
      spec,
      status: {
        phase: opts.phase ?? "Running",
        conditions: [{ type: "Ready", status: ready ? "True" : "False" }],
      },
    },
    extra,
  );
}

export function configMap(namespace: string, name: string, data: Record<string, string>): KubeObject {
  return obj("v1", "ConfigMap", name, namespace, { data });
}

export function deployment(
  namespace: string,
  name: string,
  spec: Record<string, unknown>,
  status: Record<string, unknown> = {},
  labels?: Record<string, string>,
): KubeObject {
  return obj("apps/v1", "Deployment", name, namespace, { spec, status }, labels ? { labels } : {});
}

export interface PvcOptions {
  phase?: string;
  storageClassName?: string;
  volumeName?: string;
  storage?: string;
  accessModes?: string[];
}

export function pvc(namespace: string, name: string, opts: PvcOptions = {}): KubeObject {
  const spec: Record<string, unknown> = {
    accessModes: opts.accessModes ?? ["ReadWriteOnce"],
    resources: { requests: { storage: opts.storage ?? "10Gi" } },
  };
  if (opts.storageClassName !== undefined) spec.storageClassName = opts.storageClassName;
  if (opts.volumeName) spec.volumeName = opts.volumeName;
  return obj("v1", "PersistentVolumeClaim", name, namespace, {
    spec,
    status: { phase: opts.phase ?? "Bound" },
  });
}

export interface PvOptions {
  storageClassName?: string;
  storage?: string;
  accessModes?: string[];
  claim?: { namespace: string; name: string };
}

export function pv(name: string, opts: PvOptions = {}): KubeObject {
  const spec: Record<string, unknown> = {
    capacity: { storage: opts.storage ?? "10Gi" },
    accessModes: opts.accessModes ?? ["ReadWriteOnce"],
  };
  if (opts.storageClassName !== undefined) spec.storageClassName = opts.storageClassName;
  if (opts.claim) spec.claimRef = { kind: "PersistentVolumeClaim", ...opts.claim };
  return obj("v1", "PersistentVolume", name, undefined, { spec, status: { phase: "Bound" } });
}

export function storageClass(name: string, provisioner: string, isDefault = false): KubeObject {
  const extra: Partial<ObjectMeta> = isDefault
    ? { annotations: { "storageclass.kubernetes.io/is-default-class": "true" } }
    : {};
  return obj("storage.k8s.io/v1", "StorageClass", name, undefined, { provisioner }, extra);
}

export function csiDriver(name: string): KubeObject {
  return obj("storage.k8s.io/v1", "CSIDriver", name, undefined, { spec: {} });
}

// --- version, node and workload fixtures ---

/** A kubeadm static pod's mirror pod in kube-system: labelled component=<component>. */
export function staticPod(component: string, nodeName: string, image: string): KubeObject {
  return pod("kube-system", `${component}-${nodeName}`, {
    labels: { component, tier: "control-plane" },
    spec: { nodeName, containers: [{ name: component, image }] },
  });
}

export interface NodeOptions {
  ready?: "True" | "False" | "Unknown";
  /** Extra conditions set True (MemoryPressure, DiskPressure, PIDPressure). */
  pressure?: string[];
  unschedulable?: boolean;
  taints?: { key: string; value?: string; effect: string }[];
  labels?: Record<string, string>;
  kubeletVersion?: string;
  kubeProxyVersion?: string;
  allocatable?: Record<string, string>;
}

/** A Node with status: Ready, no pressure, 4 CPU / 8Gi allocatable, kubelet v1.30.2 unless told. */
export function nodeWith(name: string, o: NodeOptions = {}): KubeObject {
  const conditions = ["MemoryPressure", "DiskPressure", "PIDPressure"].map((type) => ({
    type,
    status: o.pressure?.includes(type) ? "True" : "False",
  }));
  conditions.push({ type: "Ready", status: o.ready ?? "True" });
  const spec: Record<string, unknown> = {};
  if (o.unschedulable) spec.unschedulable = true;
  if (o.taints) spec.taints = o.taints;
  return obj(
    "v1",
    "Node",
    name,
    undefined,
    {
      spec,
      status: {
        conditions,
        allocatable: o.allocatable ?? { cpu: "4", memory: "8Gi", pods: "110" },
        nodeInfo: {
          kubeletVersion: o.kubeletVersion ?? "v1.30.2",
          kubeProxyVersion: o.kubeProxyVersion ?? "",
        },
      },
    },
    o.labels ? { labels: o.labels } : {},
  );
}

/** A container with requests, limits and both probes: what the workload checks call healthy. */
export function goodContainer(name = "app", extra: Record<string, unknown> = {}): Record<string, unknown> {
  const probe = {
    httpGet: { path: "/healthz", port: 8080 },
    periodSeconds: 10,
    timeoutSeconds: 2,
    failureThreshold: 3,
  };
  return {
    name,
    image: "registry.example.com/app:1.0",
    resources: { requests: { cpu: "100m", memory: "128Mi" }, limits: { cpu: "500m", memory: "256Mi" } },
    livenessProbe: probe,
    readinessProbe: probe,
    ...extra,
  };
}

export interface WorkloadOptions {
  replicas?: number;
  containers?: Record<string, unknown>[];
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  generation?: number;
  tolerations?: Record<string, unknown>[];
  /** More fields of the pod template's spec (securityContext, hostNetwork...). */
  podSpec?: Record<string, unknown>;
}

function workload(apiVersion: string, kind: string, namespace: string, name: string, o: WorkloadOptions) {
  const labels = o.labels ?? { app: name };
  const spec: Record<string, unknown> = {
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: {
        containers: o.containers ?? [goodContainer()],
        ...(o.tolerations ? { tolerations: o.tolerations } : {}),
        ...o.podSpec,
      },
    },
    ...o.spec,
  };
  if (kind !== "DaemonSet") spec.replicas = o.replicas ?? 2;
  const extra: Partial<ObjectMeta> = { labels, generation: o.generation ?? 1 };
  return obj(apiVersion, kind, name, namespace, { spec, status: o.status ?? {} }, extra);
}

export function deploymentOf(namespace: string, name: string, o: WorkloadOptions = {}): KubeObject {
  return workload("apps/v1", "Deployment", namespace, name, o);
}

export function statefulSetOf(namespace: string, name: string, o: WorkloadOptions = {}): KubeObject {
  return workload("apps/v1", "StatefulSet", namespace, name, o);
}

export function daemonSetOf(namespace: string, name: string, o: WorkloadOptions = {}): KubeObject {
  return workload("apps/v1", "DaemonSet", namespace, name, o);
}

export function pdbOf(namespace: string, name: string, spec: Record<string, unknown>): KubeObject {
  return obj("policy/v1", "PodDisruptionBudget", name, namespace, { spec });
}

/** The context of a pre-upgrade scan: the running version in the snapshot, the target given. */
export function upgradeContext(snap: ClusterSnapshot, targetVersion: string): CheckContext {
  return { ...context(snap), targetVersion };
}

export function service(
  namespace: string,
  name: string,
  selector: Record<string, string> | undefined,
  extraSpec: Record<string, unknown> = {},
): KubeObject {
  const spec: Record<string, unknown> = { type: "ClusterIP", ports: [{ port: 80 }], ...extraSpec };
  if (selector) spec.selector = selector;
  return obj("v1", "Service", name, namespace, { spec });
}

/** An EndpointSlice for a Service, one endpoint per readiness flag (undefined = condition absent). */
export function endpointSlice(
  namespace: string,
  serviceName: string,
  ready: (boolean | undefined)[],
): KubeObject {
  return obj(
    "discovery.k8s.io/v1",
    "EndpointSlice",
    `${serviceName}-abcde`,
    namespace,
    {
      addressType: "IPv4",
      endpoints: ready.map((r, i) => ({
        addresses: [`10.0.0.${i + 1}`],
        conditions: r === undefined ? {} : { ready: r },
      })),
    },
    { labels: { "kubernetes.io/service-name": serviceName } },
  );
}

export function networkPolicy(
  namespace: string,
  name: string,
  podSelector: Record<string, unknown>,
): KubeObject {
  return obj("networking.k8s.io/v1", "NetworkPolicy", name, namespace, {
    spec: { podSelector, policyTypes: ["Ingress"] },
  });
}

export function daemonSet(namespace: string, name: string, podSpec: Record<string, unknown>): KubeObject {
  return obj("apps/v1", "DaemonSet", name, namespace, { spec: { template: { spec: podSpec } } });
}
