// Seeds a fresh simulated cluster with what a kubeadm cluster has before anyone deploys to it:
// the system namespaces with their default ServiceAccount and kube-root-ca.crt, cluster-admin
// RBAC, the system PriorityClasses, the `kubernetes` Service and its endpoints, the Nodes and
// their Leases, the control plane's mirror pods, the add-ons (addons.ts) and a default
// StorageClass. Everything goes through the internal client, so it is defaulted like any write.
import type { KubeObject } from "../apis/meta/types.ts";
import type { InternalClient } from "../apiserver/client/internal-client.ts";
import { addonObjects } from "./addons.ts";
import type { SimProfile } from "./context.ts";
import { kubeadmConfig, kubeletConfig, staticPods } from "./control-plane.ts";
import { leaseObject, nodeObject } from "./node-objects.ts";

export const SYSTEM_NAMESPACES = ["default", "kube-system", "kube-public", "kube-node-lease"];
export const KUBERNETES_SERVICE_IP = "10.96.0.1";

export interface SeedOptions {
  client: InternalClient;
  profile: SimProfile;
  /** The cluster CA, published in every namespace as kube-root-ca.crt. */
  caPem: string;
  /** Where the API server listens (the `kubernetes` endpoints). */
  apiHost: string;
  apiPort: number;
}

export async function seedCluster(opts: SeedOptions): Promise<void> {
  const { client, profile } = opts;
  await createAll(client, [
    ...SYSTEM_NAMESPACES.map((name) => ({ apiVersion: "v1", kind: "Namespace", metadata: { name } })),
    ...SYSTEM_NAMESPACES.flatMap((ns) => namespaceBasics(ns, opts.caPem)),
    ...rbac(),
    ...priorityClasses(),
    ...kubernetesService(opts),
    storageClass(),
    kubeadmConfig(profile),
    kubeletConfig(profile),
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cluster-info", namespace: "kube-public" },
      data: { kubeconfig: "" },
    },
  ]);
  const nodes: KubeObject[] = [];
  for (let i = 0; i < profile.nodes; i++) nodes.push(await client.create(nodeObject(profile, i)));
  await createAll(client, [
    ...nodes.map(leaseObject),
    ...staticPods(profile, nodes[0]),
    ...addonObjects(profile),
  ]);
}

async function createAll(client: InternalClient, objs: KubeObject[]): Promise<void> {
  for (const o of objs) await client.create(o);
}

function namespaceBasics(namespace: string, caPem: string): KubeObject[] {
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: "default", namespace } },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: {
        name: "kube-root-ca.crt",
        namespace,
        annotations: {
          "kubernetes.io/description":
            "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.",
        },
      },
      data: { "ca.crt": caPem },
    },
  ];
}

function rbac(): KubeObject[] {
  const rbacV1 = "rbac.authorization.k8s.io/v1";
  const bootstrap = { "kubernetes.io/bootstrapping": "rbac-defaults" };
  return [
    {
      apiVersion: rbacV1,
      kind: "ClusterRole",
      metadata: {
        name: "cluster-admin",
        labels: bootstrap,
        annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
      },
      rules: [
        { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
        { nonResourceURLs: ["*"], verbs: ["*"] },
      ],
    },
    {
      apiVersion: rbacV1,
      kind: "ClusterRoleBinding",
      metadata: {
        name: "cluster-admin",
        labels: bootstrap,
        annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
      },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" },
      subjects: [{ apiGroup: "rbac.authorization.k8s.io", kind: "Group", name: "system:masters" }],
    },
  ];
}

function priorityClasses(): KubeObject[] {
  const pc = (name: string, value: number, description: string) => ({
    apiVersion: "scheduling.k8s.io/v1",
    kind: "PriorityClass",
    metadata: { name },
    value,
    globalDefault: false,
    preemptionPolicy: "PreemptLowerPriority",
    description,
  });
  return [
    pc(
      "system-node-critical",
      2_000_001_000,
      "Used for system critical pods that must not be moved from their current node.",
    ),
    pc(
      "system-cluster-critical",
      2_000_000_000,
      "Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.",
    ),
  ];
}

function kubernetesService(opts: SeedOptions): KubeObject[] {
  const labels = { component: "apiserver", provider: "kubernetes" };
  const port = { name: "https", port: opts.apiPort, protocol: "TCP" };
  return [
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "kubernetes", namespace: "default", labels },
      spec: {
        clusterIP: KUBERNETES_SERVICE_IP,
        ports: [{ name: "https", port: 443, protocol: "TCP", targetPort: opts.apiPort }],
      },
    },
    {
      apiVersion: "v1",
      kind: "Endpoints",
      metadata: {
        name: "kubernetes",
        namespace: "default",
        labels: { "endpointslice.kubernetes.io/skip-mirror": "true" },
      },
      subsets: [{ addresses: [{ ip: opts.apiHost }], ports: [port] }],
    },
    {
      apiVersion: "discovery.k8s.io/v1",
      kind: "EndpointSlice",
      metadata: {
        name: "kubernetes",
        namespace: "default",
        labels: {
          "kubernetes.io/service-name": "kubernetes",
          "endpointslice.kubernetes.io/managed-by": "endpointslice-controller.k8s.io",
        },
      },
      addressType: "IPv4",
      endpoints: [{ addresses: [opts.apiHost], conditions: { ready: true } }],
      ports: [port],
    },
  ];
}

function storageClass(): KubeObject {
  return {
    apiVersion: "storage.k8s.io/v1",
    kind: "StorageClass",
    metadata: { name: "standard", annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
    provisioner: "rancher.io/local-path",
    reclaimPolicy: "Delete",
    volumeBindingMode: "WaitForFirstConsumer",
  };
}
