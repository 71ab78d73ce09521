// `mcpctl cluster agent-manifest NAME`: the YAML that installs mcp-agent inside a member cluster
// (`... | kubectl apply -f -`): its Namespace, ServiceAccount, RBAC, a Secret with the bootstrap
// token and the hub's CA, a volume for the credential the agent receives, and the Deployment.
// The agent uses the Pod's in-cluster configuration to read its own cluster.
import { Document } from "yaml";
import { parseLabels } from "../../agent/options.ts";
import { dns1123Label } from "../../apiserver/validation/names.ts";
import { UsageError } from "../../cli/flags.ts";
import { MCP_VERSION } from "../../cli/version.ts";
import type { Command } from "../command.ts";
import {
  agentEndpoint,
  createBootstrapToken,
  hubCaPem,
  hubUrlFlag,
  isLoopback,
  ttlFlag,
} from "./cluster-hub.ts";

export const AGENT_NAMESPACE = "mcp-system";
const NAME = "mcp-agent";
const SECRET = "mcp-agent-bootstrap";
const STATE_CLAIM = "mcp-agent-state";
const STATE_DIR = "/var/lib/mcp-agent";
const CA_DIR = "/etc/mcp";
export const DEFAULT_AGENT_IMAGE = `ghcr.io/mcp-platform/mcp-agent:${MCP_VERSION}`;

export interface AgentManifestOptions {
  cluster: string;
  /** https://HOST:PORT of the hub's agent endpoint, as Pods in the member reach it. */
  hubUrl: string;
  hubCaPem: string;
  bootstrapToken: string;
  image: string;
  labels: Record<string, string>;
}

const meta = (name: string, namespaced = true) => ({
  name,
  ...(namespaced ? { namespace: AGENT_NAMESPACE } : {}),
  labels: { "app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "mcp" },
});

function doc(obj: object, comment: string): Document {
  const d = new Document(obj);
  (d.contents as { commentBefore?: string }).commentBefore = comment;
  return d;
}

function clusterRole(): Document {
  const d = doc(
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRole",
      metadata: meta(NAME, false),
      rules: [
        {
          apiGroups: [""],
          resources: ["nodes", "pods", "namespaces", "configmaps", "events"],
          verbs: ["get", "list", "watch"],
        },
        { apiGroups: ["apps"], resources: ["deployments", "daemonsets"], verbs: ["get", "list", "watch"] },
        { nonResourceURLs: ["/version", "/healthz", "/readyz"], verbs: ["get"] },
        {
          apiGroups: ["*"],
          resources: ["*"],
          verbs: ["get", "list", "watch", "create", "update", "patch", "delete"],
        },
        {
          apiGroups: ["rbac.authorization.k8s.io"],
          resources: ["clusterroles", "roles"],
          verbs: ["escalate", "bind"],
        },
      ],
    },
    " What the agent may do in this cluster.",
  );
  const rules = d.get("rules", true) as { items: { commentBefore?: string }[] };
  rules.items[0].commentBefore =
    " Status reporting: nodes, kube-system components (etcd, CNI, kube-proxy, CoreDNS).";
  rules.items[3].commentBefore =
    " Applying Work: the hub delivers manifests of whatever kinds its propagation policies place here,\n" +
    " so the agent needs write verbs on every resource (server-side apply is authorized as patch, and\n" +
    " also as create when the object is new; removal deletes), and policy audits and diagnostics list\n" +
    " any kind. Narrow this rule to the kinds you propagate if you want a smaller blast radius.";
  rules.items[4].commentBefore =
    " Propagated RBAC: a Role or ClusterRole may grant verbs the agent itself lacks (escalate), and a\n" +
    " binding may reference any role (bind); without these the apiserver refuses such manifests.";
  return d;
}

function deployment(o: AgentManifestOptions): object {
  const labels = Object.entries(o.labels).map(([k, v]) => `${k}=${v}`);
  const secretEnv = (name: string, key: string) => ({
    name,
    valueFrom: { secretKeyRef: { name: SECRET, key } },
  });
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: meta(NAME),
    spec: {
      replicas: 1,
      // Never two agents at once: they would hold one cluster's stream and credential between them.
      strategy: { type: "Recreate" },
      selector: { matchLabels: { "app.kubernetes.io/name": NAME } },
      template: {
        metadata: { labels: { "app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "mcp" } },
        spec: {
          serviceAccountName: NAME,
          // The agent reads and writes its cluster with this token (in-cluster configuration): a
          // cluster that turns automounting off for ServiceAccounts must not leave it without one.
          automountServiceAccountToken: true,
          // The image is built for Linux; a Windows node could not run it.
          nodeSelector: { "kubernetes.io/os": "linux" },
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            fsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          containers: [
            {
              name: "agent",
              image: o.image,
              command: ["mcp-agent"],
              args: [
                `--hub-ca=${CA_DIR}/ca.crt`,
                `--state-dir=${STATE_DIR}`,
                ...(labels.length > 0 ? [`--labels=${labels.join(",")}`] : []),
              ],
              env: [
                { name: "MCP_HUB", value: o.hubUrl },
                { name: "MCP_CLUSTER_NAME", value: o.cluster },
                secretEnv("MCP_BOOTSTRAP_TOKEN", "bootstrap-token"),
                // The root filesystem is read-only: Node's compile cache (bin/mcp-agent) lives on
                // the state volume, so a restarted agent skips TypeScript stripping and its memory.
                { name: "NODE_COMPILE_CACHE", value: `${STATE_DIR}/compile-cache` },
              ],
              // Measured RSS with propagation and policy audits loaded (bench/agent-footprint):
              // about 145 MiB on a first start, 117 MiB once the compile cache is warm; the limit
              // leaves room for large Works and audits.
              resources: { requests: { cpu: "50m", memory: "192Mi" }, limits: { memory: "384Mi" } },
              securityContext: {
                allowPrivilegeEscalation: false,
                readOnlyRootFilesystem: true,
                capabilities: { drop: ["ALL"] },
              },
              volumeMounts: [
                { name: "hub-ca", mountPath: CA_DIR, readOnly: true },
                { name: "state", mountPath: STATE_DIR },
              ],
            },
          ],
          volumes: [
            { name: "hub-ca", secret: { secretName: SECRET, items: [{ key: "ca.crt", path: "ca.crt" }] } },
            { name: "state", persistentVolumeClaim: { claimName: STATE_CLAIM } },
          ],
        },
      },
    },
  };
}

/** The multi-document YAML; each document is a complete object `kubectl apply` accepts. */
export function agentManifest(o: AgentManifestOptions): string {
  const docs = [
    doc(
      { apiVersion: "v1", kind: "Namespace", metadata: { name: AGENT_NAMESPACE, labels: meta(NAME).labels } },
      ` mcp-agent for cluster "${o.cluster}", reporting to the MCP hub at ${o.hubUrl}.\n Install: mcpctl cluster agent-manifest ${o.cluster} | kubectl apply -f -`,
    ),
    doc(
      { apiVersion: "v1", kind: "ServiceAccount", metadata: meta(NAME) },
      " The identity the agent uses in-cluster.",
    ),
    clusterRole(),
    doc(
      {
        apiVersion: "rbac.authorization.k8s.io/v1",
        kind: "ClusterRoleBinding",
        metadata: meta(NAME, false),
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: NAME },
        subjects: [{ kind: "ServiceAccount", name: NAME, namespace: AGENT_NAMESPACE }],
      },
      " Grants the ClusterRole to the agent's ServiceAccount.",
    ),
    doc(
      {
        apiVersion: "v1",
        kind: "Secret",
        metadata: meta(SECRET),
        type: "Opaque",
        stringData: { "bootstrap-token": o.bootstrapToken, "ca.crt": o.hubCaPem },
      },
      " The single-use bootstrap token the agent registers with, and the CA that signs the hub's certificate.",
    ),
    doc(
      {
        apiVersion: "v1",
        kind: "PersistentVolumeClaim",
        metadata: meta(STATE_CLAIM),
        spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "64Mi" } } },
      },
      " Where the agent keeps the cluster credential the hub issues at registration (the bootstrap token\n" +
        " works only once, so the credential must outlive the Pod) and the Work it applied (the revision it\n" +
        " resumes from and what MCP created, so removals stay exact). Uses the default StorageClass.",
    ),
    doc(
      deployment(o),
      " The agent itself: dials out to the hub (no inbound access needed) and reports this cluster.",
    ),
  ];
  return docs.map((d) => d.toString({ lineWidth: 0, indentSeq: false })).join("---\n");
}

export const agentManifestCommand: Command = {
  name: "agent-manifest",
  usage:
    "mcpctl cluster agent-manifest NAME [--hub-url URL] [--token T] [--image IMAGE] [--labels k=v,...] [flags]",
  summary:
    "Print the YAML that installs mcp-agent in a member cluster (Namespace mcp-system, ServiceAccount, RBAC, Secret, Deployment). " +
    "Without --token a new bootstrap token is created. The hub's serving certificate must be valid for the --hub-url host (mcp-server --tls-san).",
  flags: [
    hubUrlFlag,
    { name: "token", type: "string", description: "A bootstrap token to use (default: create one now)" },
    ttlFlag,
    {
      name: "image",
      type: "string",
      default: DEFAULT_AGENT_IMAGE,
      description: "The mcp-agent container image",
    },
    {
      name: "labels",
      type: "list",
      default: "",
      description: "Labels of the Cluster the agent registers: k=v,k2=v2",
    },
  ],
  examples: [
    "mcpctl cluster agent-manifest edge-17 --hub-url https://hub.example.com:6444 | kubectl --context edge-17 apply -f -",
    "mcpctl cluster agent-manifest lab --token $(mcpctl cluster token create) --labels env=lab > lab-agent.yaml",
  ],
  run: async (inv, args) => {
    if (args.length !== 1) throw new UsageError("cluster agent-manifest takes exactly one cluster NAME");
    const cluster = args[0];
    const causes = dns1123Label("NAME", cluster);
    if (causes.length > 0) throw new UsageError(`cluster name "${cluster}": ${causes[0].message}`);
    const labels = parseLabels((inv.flags.labels as string[]) ?? []);
    const hub = await agentEndpoint(inv);
    const ca = await hubCaPem(inv);
    let token = inv.str("token");
    if (!token) {
      const issued = await createBootstrapToken(
        await inv.client(),
        inv.flags.ttl as number,
        `agent-manifest for ${cluster}`,
      );
      token = issued.status.token!;
      inv.io.err(
        `Created a bootstrap token for ${cluster}; it works once and expires ${issued.status.expirationTimestamp}.\n`,
      );
    }
    if (isLoopback(hub.url))
      inv.io.err(
        `warning: ${hub.url} is a loopback address, which Pods in the member cluster cannot reach: pass --hub-url\n`,
      );
    inv.io.out(
      agentManifest({
        cluster,
        hubUrl: hub.url,
        hubCaPem: ca,
        bootstrapToken: token,
        image: inv.str("image") ?? DEFAULT_AGENT_IMAGE,
        labels,
      }),
    );
    return 0;
  },
};
