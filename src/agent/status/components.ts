// What a cluster's system objects say about its components, as pure functions over the objects
// (kept apart from the API calls so they are tested on fixtures): the etcd version from the etcd
// pods' image, the CNI and its version from its DaemonSet, the kube-proxy mode from its
// ConfigMap, CoreDNS replicas from its Deployment, and the CNI's MTU from the CNI ConfigMap.
import { parse as parseYaml } from "yaml";

export interface ContainerLike {
  name?: string;
  image?: string;
}

export interface WorkloadLike {
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  spec?: { replicas?: number; template?: { spec?: { containers?: ContainerLike[] } } };
  status?: { readyReplicas?: number };
}

export interface PodLike {
  metadata?: { name?: string };
  spec?: { containers?: ContainerLike[] };
}

/** The tag of an image reference, without a digest: "quay.io/cilium/cilium:v1.14.5@sha256:…" → "v1.14.5". */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const ref = image.split("@")[0];
  const lastSlash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  // A colon before the last slash belongs to a registry port, not a tag.
  return colon > lastSlash ? ref.slice(colon + 1) || undefined : undefined;
}

/** etcd's version from its image tag: "3.5.12-0" (kubeadm's build suffix) → "3.5.12", "v3.5.9" → "3.5.9". */
export function etcdVersionFromImage(image: string | undefined): string | undefined {
  const m = /^v?(\d+\.\d+\.\d+)/.exec(imageTag(image) ?? "");
  return m?.[1];
}

/** The etcd version the etcd pods run; the newest when members differ (mid-upgrade). */
export function etcdVersion(pods: PodLike[]): string | undefined {
  const versions = pods
    .map((p) => etcdVersionFromImage(containerNamed(p.spec?.containers, "etcd")?.image))
    .filter((v): v is string => v !== undefined);
  return versions.sort(compareVersions).at(-1);
}

interface CniKind {
  name: string;
  /** DaemonSet names this CNI installs. */
  daemonSets: string[];
  /** The container whose image tag is the CNI's version. */
  container: RegExp;
  /** The ConfigMap (in the DaemonSet's namespace) and key carrying the MTU. */
  mtu?: { configMap: string; key: string };
}

// DaemonSet names are matched before container names: canal runs a calico-node container too.
const CNIS: CniKind[] = [
  {
    name: "canal",
    daemonSets: ["canal"],
    container: /calico-node/,
    mtu: { configMap: "canal-config", key: "veth_mtu" },
  },
  {
    name: "calico",
    daemonSets: ["calico-node"],
    container: /calico-node/,
    mtu: { configMap: "calico-config", key: "veth_mtu" },
  },
  {
    name: "cilium",
    daemonSets: ["cilium"],
    container: /cilium-agent|^cilium$/,
    mtu: { configMap: "cilium-config", key: "mtu" },
  },
  { name: "flannel", daemonSets: ["kube-flannel-ds", "kube-flannel"], container: /flannel/ },
  { name: "weave", daemonSets: ["weave-net"], container: /^weave$/ },
  { name: "antrea", daemonSets: ["antrea-agent"], container: /antrea-agent/ },
];

export interface CniFound {
  name: string;
  version?: string;
  /** Where the CNI's own ConfigMap holds the MTU, when it has one. */
  mtuSource?: { namespace: string; configMap: string; key: string };
}

/** The CNI among the DaemonSets, recognised by DaemonSet name (or by image, for renamed installs). */
export function detectCni(daemonSets: WorkloadLike[]): CniFound | undefined {
  for (const kind of CNIS) {
    const ds = daemonSets.find((d) => kind.daemonSets.includes(d.metadata?.name ?? ""));
    if (ds) return describeCni(kind, ds);
  }
  for (const kind of CNIS) {
    const ds = daemonSets.find((d) => containersOf(d).some((c) => kind.container.test(c.name ?? "")));
    if (ds) return describeCni(kind, ds);
  }
  return undefined;
}

function describeCni(kind: CniKind, ds: WorkloadLike): CniFound {
  const containers = containersOf(ds);
  const main = containers.find((c) => kind.container.test(c.name ?? "")) ?? containers[0];
  const version = imageTag(main?.image);
  const namespace = ds.metadata?.namespace ?? "kube-system";
  return {
    name: kind.name,
    ...(version ? { version } : {}),
    ...(kind.mtu ? { mtuSource: { namespace, ...kind.mtu } } : {}),
  };
}

/** The MTU a CNI ConfigMap sets; undefined when absent or "0" (auto-detected per node). */
export function mtuFromConfig(data: Record<string, string> | undefined, key: string): number | undefined {
  const n = Number(data?.[key]);
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

/**
 * kube-proxy's mode from its config.conf (a KubeProxyConfiguration). An empty mode means the
 * platform default, which on Linux is iptables.
 */
export function kubeProxyMode(configConf: string | undefined): string | undefined {
  if (configConf === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parseYaml(configConf);
  } catch {
    return undefined;
  }
  const mode = (doc as { mode?: unknown } | null)?.mode;
  return typeof mode === "string" && mode.trim() !== "" ? mode.trim() : "iptables";
}

/** CoreDNS replicas from the cluster DNS Deployments (CoreDNS preferred over a legacy kube-dns). */
export function coreDnsReplicas(deployments: WorkloadLike[]): { desired: number; ready: number } | undefined {
  const d =
    deployments.find((x) => x.metadata?.name === "coredns") ??
    deployments.find((x) => containersOf(x).some((c) => /coredns/.test(c.image ?? ""))) ??
    deployments[0];
  if (!d) return undefined;
  return { desired: d.spec?.replicas ?? 1, ready: d.status?.readyReplicas ?? 0 };
}

function containersOf(w: WorkloadLike): ContainerLike[] {
  return w.spec?.template?.spec?.containers ?? [];
}

function containerNamed(containers: ContainerLike[] | undefined, name: string): ContainerLike | undefined {
  return containers?.find((c) => c.name === name) ?? containers?.[0];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < 3; i++) if (pa[i] !== pb[i]) return (pa[i] ?? 0) - (pb[i] ?? 0);
  return 0;
}
