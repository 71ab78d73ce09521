// The RBAC objects a fresh hub starts with, as data: cluster-admin, admin, edit and view in the
// spirit of Kubernetes' defaults (extended to the mcp.platform kinds), plus discovery and
// self-review rights for every authenticated user. The server creates them on first start.
import type { ObjectMeta } from "../../apis/meta/types.ts";
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from "./rbac-types.ts";
import { RBAC_API_VERSION, RBAC_GROUP } from "./rbac-types.ts";
import { AUTHENTICATED, SYSTEM_MASTERS } from "./types.ts";

const READ = ["get", "list", "watch"];
const WRITE = ["create", "update", "patch", "delete", "deletecollection"];
const MCP = "mcp.platform";

/** What a viewer may read: everything users deploy, but not Secrets (they would leak credentials). */
const viewRules: PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "endpoints",
      "events",
      "limitranges",
      "namespaces",
      "namespaces/status",
      "persistentvolumeclaims",
      "persistentvolumeclaims/status",
      "pods",
      "pods/log",
      "pods/status",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "replicationcontrollers/status",
      "resourcequotas",
      "resourcequotas/status",
      "serviceaccounts",
      "services",
      "services/status",
    ],
    verbs: READ,
  },
  {
    apiGroups: ["apps"],
    resources: [
      "controllerrevisions",
      "daemonsets",
      "daemonsets/status",
      "deployments",
      "deployments/scale",
      "deployments/status",
      "replicasets",
      "replicasets/scale",
      "replicasets/status",
      "statefulsets",
      "statefulsets/scale",
      "statefulsets/status",
    ],
    verbs: READ,
  },
  { apiGroups: ["batch"], resources: ["cronjobs", "cronjobs/status", "jobs", "jobs/status"], verbs: READ },
  {
    apiGroups: ["autoscaling"],
    resources: ["horizontalpodautoscalers", "horizontalpodautoscalers/status"],
    verbs: READ,
  },
  {
    apiGroups: ["networking.k8s.io"],
    resources: ["ingresses", "ingresses/status", "networkpolicies"],
    verbs: READ,
  },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets", "poddisruptionbudgets/status"], verbs: READ },
  { apiGroups: ["discovery.k8s.io"], resources: ["endpointslices"], verbs: READ },
  {
    apiGroups: [MCP],
    resources: [
      "clusters",
      "clusters/status",
      "propagationpolicies",
      "clusterpropagationpolicies",
      "overridepolicies",
      "clusterpolicies",
      "clusterpolicies/status",
      "rollouts",
      "rollouts/status",
      "works",
      "works/status",
    ],
    verbs: READ,
  },
];

/** What an editor may change on top: namespaced workloads, Secrets and placement, not RBAC. */
const editRules: PolicyRule[] = [
  {
    apiGroups: [""],
    resources: [
      "configmaps",
      "endpoints",
      "persistentvolumeclaims",
      "pods",
      "pods/attach",
      "pods/exec",
      "pods/portforward",
      "pods/proxy",
      "replicationcontrollers",
      "replicationcontrollers/scale",
      "secrets",
      "serviceaccounts",
      "services",
      "services/proxy",
    ],
    verbs: WRITE,
  },
  { apiGroups: [""], resources: ["secrets"], verbs: READ },
  { apiGroups: [""], resources: ["serviceaccounts/token"], verbs: ["create"] },
  {
    apiGroups: ["apps"],
    resources: [
      "daemonsets",
      "deployments",
      "deployments/rollback",
      "deployments/scale",
      "replicasets",
      "replicasets/scale",
      "statefulsets",
      "statefulsets/scale",
    ],
    verbs: WRITE,
  },
  { apiGroups: ["batch"], resources: ["cronjobs", "jobs"], verbs: WRITE },
  { apiGroups: ["autoscaling"], resources: ["horizontalpodautoscalers"], verbs: WRITE },
  { apiGroups: ["networking.k8s.io"], resources: ["ingresses", "networkpolicies"], verbs: WRITE },
  { apiGroups: ["policy"], resources: ["poddisruptionbudgets"], verbs: WRITE },
  { apiGroups: [MCP], resources: ["propagationpolicies", "overridepolicies", "rollouts"], verbs: WRITE },
  ...viewRules,
];

/** What a namespace admin may do on top: manage access within the namespace. */
const adminRules: PolicyRule[] = [
  { apiGroups: [RBAC_GROUP], resources: ["roles", "rolebindings"], verbs: [...READ, ...WRITE] },
  { apiGroups: ["authorization.k8s.io"], resources: ["localsubjectaccessreviews"], verbs: ["create"] },
  ...editRules,
];

const clusterAdminRules: PolicyRule[] = [
  { apiGroups: ["*"], resources: ["*"], verbs: ["*"] },
  { nonResourceURLs: ["*"], verbs: ["*"] },
];

const discoveryRules: PolicyRule[] = [
  {
    nonResourceURLs: [
      "/api",
      "/api/*",
      "/apis",
      "/apis/*",
      "/version",
      "/version/",
      "/openapi",
      "/openapi/*",
      "/healthz",
      "/healthz/*",
      "/readyz",
      "/readyz/*",
      "/livez",
      "/livez/*",
    ],
    verbs: ["get"],
  },
];

/** Lets any user ask "can I ...?" and "who am I?" (kubectl auth can-i / whoami). */
const basicUserRules: PolicyRule[] = [
  {
    apiGroups: ["authorization.k8s.io"],
    resources: ["selfsubjectaccessreviews", "selfsubjectrulesreviews"],
    verbs: ["create"],
  },
  { apiGroups: ["authentication.k8s.io"], resources: ["selfsubjectreviews"], verbs: ["create"] },
];

// Marked like Kubernetes' own defaults, so tools (and people) can tell them from user objects.
function meta(name: string): ObjectMeta {
  return {
    name,
    labels: { "kubernetes.io/bootstrapping": "rbac-defaults" },
    annotations: { "rbac.authorization.kubernetes.io/autoupdate": "true" },
  };
}

function clusterRole(name: string, rules: PolicyRule[]): ClusterRole {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRole",
    metadata: meta(name),
    rules: structuredClone(rules),
  };
}

function bindToGroup(name: string, role: string, group: string): ClusterRoleBinding {
  return {
    apiVersion: RBAC_API_VERSION,
    kind: "ClusterRoleBinding",
    metadata: meta(name),
    roleRef: { apiGroup: RBAC_GROUP, kind: "ClusterRole", name: role },
    subjects: [{ apiGroup: RBAC_GROUP, kind: "Group", name: group }],
  };
}

/** The default ClusterRoles, then the ClusterRoleBindings that use them. Fresh copies each call. */
export function bootstrapRbac(): (ClusterRole | ClusterRoleBinding)[] {
  return [
    clusterRole("cluster-admin", clusterAdminRules),
    clusterRole("admin", adminRules),
    clusterRole("edit", editRules),
    clusterRole("view", viewRules),
    clusterRole("system:discovery", discoveryRules),
    clusterRole("system:basic-user", basicUserRules),
    bindToGroup("cluster-admin", "cluster-admin", SYSTEM_MASTERS),
    bindToGroup("system:discovery", "system:discovery", AUTHENTICATED),
    bindToGroup("system:basic-user", "system:basic-user", AUTHENTICATED),
  ];
}
