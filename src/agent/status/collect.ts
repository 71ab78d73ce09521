// One status collection against a member kube-apiserver (any: mcp-sim or a real one), used by
// the agent every syncInterval and by the hub's push-mode poller. It costs a handful of calls
// whatever the cluster's size — /version, one paged Node list, and a few lists and reads in
// kube-system — run with bounded concurrency over shared connections. Nothing is fetched per
// node.
//
// A cluster that cannot be reached (network, TLS, rejected credential) throws
// ClusterUnreachableError, which callers turn into a condition. Anything narrower — a 403 on one
// resource, a missing add-on — leaves that field "unknown" (or absent, for numbers) with a note
// saying why, and the rest of the status stands.
import type { KubeConfig } from "@kubernetes/client-node";
import type { MemberConnections } from "../../kube/member-connections.ts";
import {
  type CniFound,
  coreDnsReplicas,
  detectCni,
  etcdVersion,
  kubeProxyMode,
  mtuFromConfig,
  type PodLike,
  type WorkloadLike,
} from "./components.ts";
import { createLimiter } from "./limit.ts";
import {
  type ConfigMapJson,
  classifyFailure,
  describeFailure,
  type FailureKind,
  type MemberApi,
  memberApi,
  type RequestFailure,
  type VersionJson,
} from "./member-api.ts";
import { CLUSTER_WIDE_MTU, type NodeLike, slimNode, summarizeNodes } from "./nodes.ts";

/** Written in string fields the collector could not determine. */
export const UNKNOWN = "unknown";
const SYSTEM_NS = "kube-system";

export interface ClusterComponents {
  etcdVersion?: string;
  cni?: { name: string; version?: string };
  kubeProxyMode?: string;
  coreDNSReplicas?: { desired: number; ready: number };
  /** Node name → MTU; the key "*" is the CNI's cluster-wide value. */
  mtu?: Record<string, number>;
}

/** What one collection saw: mcp.platform/v1 ClusterStatus minus what the hub owns (conditions). */
export interface ObservedClusterStatus {
  kubernetesVersion?: string;
  nodes?: { total: number; ready: number };
  capacity?: Record<string, string>;
  allocatable?: Record<string, string>;
  components: ClusterComponents;
  /** Why fields are unknown or missing (forbidden, not found). For logs and describe output. */
  notes: string[];
  /** When the collection ran (RFC 3339). */
  observedAt: string;
}

export interface CollectOptions {
  /** Deadline of each request. Default 10 s. */
  timeoutMs?: number;
  /** Requests in flight at once. Default 4. */
  concurrency?: number;
  /** Nodes per list page. Default 500. */
  nodePageSize?: number;
  signal?: AbortSignal;
  /** Connections kept from one collection to the next (the agent's); default: one per collection. */
  connections?: MemberConnections;
}

/** The member apiserver could not be reached or would not accept the credential. */
export class ClusterUnreachableError extends Error {
  readonly kind: FailureKind;
  readonly server: string;

  constructor(server: string, failure: RequestFailure) {
    super(describeFailure(server, failure));
    this.name = "ClusterUnreachableError";
    this.kind = failure.kind;
    this.server = server;
  }
}

const FATAL = new Set<FailureKind>(["tls", "network", "unauthorized"]);

export async function collectClusterStatus(
  kc: KubeConfig,
  opts: CollectOptions = {},
): Promise<ObservedClusterStatus> {
  const api = memberApi(kc, {
    timeoutMs: opts.timeoutMs ?? 10_000,
    signal: opts.signal,
    connections: opts.connections,
  });
  try {
    return await collect(api, opts);
  } finally {
    await api.close();
  }
}

/** What the requests returned; undefined where a request failed (and was noted). */
interface Fetched {
  version?: VersionJson;
  nodes?: NodeLike[];
  etcdPods?: PodLike[];
  daemonSets?: WorkloadLike[];
  proxyConfig?: ConfigMapJson;
  dns?: WorkloadLike[];
  cni?: CniFound;
  cniConfig?: ConfigMapJson;
}

type Attempt = <T>(what: string, fn: () => Promise<T>) => Promise<T | undefined>;

async function collect(api: MemberApi, opts: CollectOptions): Promise<ObservedClusterStatus> {
  const notes: string[] = [];
  let fatal: RequestFailure | undefined;
  const attempt: Attempt = async (what, fn) => {
    try {
      return await fn();
    } catch (e) {
      const f = classifyFailure(e);
      if (FATAL.has(f.kind)) fatal ??= f;
      else notes.push(`${what}: ${NOTE_VERB[f.kind] ?? "failed"} (${f.detail})`);
      return undefined;
    }
  };
  // /version first: nothing else is worth asking of a server that does not answer.
  const version = await attempt("get /version", () => api.version.getCode());
  if (fatal) throw new ClusterUnreachableError(api.server, fatal);
  const fetched = await fetchSystemObjects(api, opts, attempt);
  if (fatal) throw new ClusterUnreachableError(api.server, fatal);
  return assemble({ ...fetched, version }, notes);
}

const NOTE_VERB: Partial<Record<FailureKind, string>> = { forbidden: "forbidden", notFound: "not found" };

/** A handful of requests, whatever the cluster's size, at most `concurrency` at once. */
async function fetchSystemObjects(api: MemberApi, opts: CollectOptions, attempt: Attempt): Promise<Fetched> {
  const limit = createLimiter(opts.concurrency ?? 4);
  const run = <T>(what: string, fn: () => Promise<T>) => limit(() => attempt(what, fn));
  const [nodes, etcdPods, daemonSets, proxyConfig, dns] = await Promise.all([
    run("list nodes", () => listNodes(api, opts.nodePageSize ?? 500)),
    run("list etcd pods in kube-system", async () => {
      const r = await api.core.listNamespacedPod({ namespace: SYSTEM_NS, labelSelector: "component=etcd" });
      return r.items as PodLike[];
    }),
    run("list daemonsets", () => listDaemonSets(api)),
    run("get configmap kube-system/kube-proxy", () =>
      api.core.readNamespacedConfigMap({ name: "kube-proxy", namespace: SYSTEM_NS }),
    ),
    run("list DNS deployments in kube-system", async () => {
      const r = await api.apps.listNamespacedDeployment({
        namespace: SYSTEM_NS,
        labelSelector: "k8s-app=kube-dns",
      });
      return r.items as WorkloadLike[];
    }),
  ]);
  const cni = daemonSets && detectCni(daemonSets);
  const src = cni?.mtuSource;
  const cniConfig = src
    ? await attempt(`get configmap ${src.namespace}/${src.configMap}`, () =>
        api.core.readNamespacedConfigMap({ name: src.configMap, namespace: src.namespace }),
      )
    : undefined;
  return { nodes, etcdPods, daemonSets, proxyConfig, dns, cni, cniConfig };
}

/** The observed status from what was fetched: "unknown" (or absent, for numbers) where it was not. */
function assemble(f: Fetched, notes: string[]): ObservedClusterStatus {
  const out: ObservedClusterStatus = { components: {}, notes, observedAt: new Date().toISOString() };
  out.kubernetesVersion = f.version?.gitVersion || UNKNOWN;
  const summary = f.nodes && summarizeNodes(f.nodes);
  if (summary) {
    out.nodes = summary.nodes;
    out.capacity = summary.capacity;
    out.allocatable = summary.allocatable;
  }
  const c = out.components;
  c.etcdVersion = f.etcdPods && etcdVersion(f.etcdPods);
  if (f.etcdPods && !c.etcdVersion)
    notes.push("etcd: no pods labelled component=etcd in kube-system (external or managed etcd?)");
  c.etcdVersion ??= UNKNOWN;
  if (f.daemonSets && !f.cni) notes.push("cni: no known CNI DaemonSet (calico, cilium, flannel, ...) found");
  c.cni = f.cni
    ? { name: f.cni.name, ...(f.cni.version ? { version: f.cni.version } : {}) }
    : { name: UNKNOWN };
  c.kubeProxyMode = f.proxyConfig && kubeProxyMode(f.proxyConfig.data?.["config.conf"]);
  if (f.proxyConfig && !c.kubeProxyMode) notes.push("kube-proxy: its ConfigMap has no readable config.conf");
  c.kubeProxyMode ??= UNKNOWN;
  c.coreDNSReplicas = f.dns && coreDnsReplicas(f.dns);
  if (f.dns && !c.coreDNSReplicas)
    notes.push("coredns: no Deployment labelled k8s-app=kube-dns in kube-system");
  if (!c.coreDNSReplicas) delete c.coreDNSReplicas;
  const clusterMtu = f.cni?.mtuSource && f.cniConfig && mtuFromConfig(f.cniConfig.data, f.cni.mtuSource.key);
  const nodeMtu = summary?.nodeMtu ?? {};
  if (clusterMtu || Object.keys(nodeMtu).length > 0)
    c.mtu = { ...(clusterMtu ? { [CLUSTER_WIDE_MTU]: clusterMtu } : {}), ...nodeMtu };
  return out;
}

/** Every Node, reduced page by page to what the summary reads: a big cluster's list is never held whole. */
async function listNodes(api: MemberApi, pageSize: number): Promise<NodeLike[]> {
  const all: NodeLike[] = [];
  let cont: string | undefined;
  do {
    const page = await api.core.listNode({ limit: pageSize, _continue: cont });
    for (const n of page.items as NodeLike[]) all.push(slimNode(n));
    cont = page.metadata?.continue || undefined;
  } while (cont);
  return all;
}

/** Every namespace's DaemonSets (CNIs such as Calico's operator install outside kube-system); kube-system's if that is all we may list. */
async function listDaemonSets(api: MemberApi): Promise<WorkloadLike[]> {
  try {
    return (await api.apps.listDaemonSetForAllNamespaces({})).items as WorkloadLike[];
  } catch (e) {
    if (classifyFailure(e).kind !== "forbidden") throw e;
    return (await api.apps.listNamespacedDaemonSet({ namespace: SYSTEM_NS })).items as WorkloadLike[];
  }
}
