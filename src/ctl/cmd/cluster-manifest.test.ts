// The agent install manifest as YAML tools read it: every document parses, the kinds come in an
// order `kubectl apply -f -` can create them in, and the Deployment runs mcp-agent with the flags
// and environment src/agent/options.ts defines.
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseAllDocuments } from "yaml";
import { agentFlags } from "../../agent/options.ts";
import { AGENT_NAMESPACE, agentManifest } from "./cluster-manifest.ts";

const CA = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

function render() {
  const text = agentManifest({
    cluster: "edge-1",
    hubUrl: "https://hub.example.com:6444",
    hubCaPem: CA,
    bootstrapToken: "mcp_token",
    image: "registry.local/mcp-agent:1",
    labels: { env: "lab", region: "eu" },
  });
  const docs = parseAllDocuments(text);
  for (const d of docs) assert.deepEqual(d.errors, [], "every document parses");
  return { text, objects: docs.map((d) => d.toJS()) };
}

test("the manifest is multi-document YAML of complete objects, namespace first", () => {
  const { objects } = render();
  assert.deepEqual(
    objects.map((o) => o.kind),
    [
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Secret",
      "PersistentVolumeClaim",
      "Deployment",
    ],
  );
  for (const o of objects) {
    assert.ok(o.apiVersion && o.metadata?.name, `${o.kind} has apiVersion and name`);
    const clusterScoped = ["Namespace", "ClusterRole", "ClusterRoleBinding"].includes(o.kind);
    assert.equal(o.metadata.namespace, clusterScoped ? undefined : AGENT_NAMESPACE, o.kind);
  }
});

test("RBAC reads what the status collector reads and may write everything, with a comment saying why", () => {
  const { text, objects } = render();
  const role = objects.find((o) => o.kind === "ClusterRole");
  const reads = (group: string, resource: string) =>
    role.rules.some(
      (r: { apiGroups?: string[]; resources?: string[]; verbs: string[] }) =>
        r.apiGroups?.includes(group) && r.resources?.includes(resource) && r.verbs.includes("list"),
    );
  for (const r of ["nodes", "pods", "namespaces", "configmaps", "events"]) assert.ok(reads("", r), r);
  for (const r of ["deployments", "daemonsets"]) assert.ok(reads("apps", r), r);
  const write = role.rules.find((r: { apiGroups?: string[] }) => r.apiGroups?.[0] === "*");
  for (const v of ["create", "update", "patch", "delete"]) assert.ok(write.verbs.includes(v), v);
  assert.match(text, /# Applying Work: .*\n# so the agent needs write verbs/);
  // Propagated Roles and bindings may grant or reference what the agent itself does not hold.
  const rbac = role.rules.find(
    (r: { apiGroups?: string[] }) => r.apiGroups?.[0] === "rbac.authorization.k8s.io",
  );
  assert.deepEqual(rbac?.verbs, ["escalate", "bind"]);
  const binding = objects.find((o) => o.kind === "ClusterRoleBinding");
  assert.deepEqual(binding.subjects, [
    { kind: "ServiceAccount", name: "mcp-agent", namespace: AGENT_NAMESPACE },
  ]);
  assert.equal(binding.roleRef.name, role.metadata.name);
});

test("the Deployment runs mcp-agent in-cluster with the Secret's token and CA", () => {
  const { objects } = render();
  const secret = objects.find((o) => o.kind === "Secret");
  assert.deepEqual(secret.stringData, { "bootstrap-token": "mcp_token", "ca.crt": CA });
  const pod = objects.find((o) => o.kind === "Deployment").spec.template.spec;
  assert.equal(pod.serviceAccountName, "mcp-agent");
  // In-cluster configuration needs the token mounted even where ServiceAccounts default to not.
  assert.equal(pod.automountServiceAccountToken, true);
  assert.deepEqual(pod.nodeSelector, { "kubernetes.io/os": "linux" });
  assert.equal(pod.securityContext.runAsNonRoot, true);
  const [c] = pod.containers;
  assert.equal(c.image, "registry.local/mcp-agent:1");
  assert.deepEqual(c.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    capabilities: { drop: ["ALL"] },
  });
  assert.ok(c.resources.requests.memory && c.resources.limits.memory, "memory is requested and bounded");
  assert.deepEqual(c.command, ["mcp-agent"]);
  assert.ok(c.args.includes("--hub-ca=/etc/mcp/ca.crt"));
  assert.ok(c.args.includes("--labels=env=lab,region=eu"));
  assert.ok(!c.args.some((a: string) => a.startsWith("--kubeconfig")), "in-cluster configuration");
  const env = Object.fromEntries(c.env.map((e: { name: string }) => [e.name, e]));
  assert.equal(env.MCP_HUB.value, "https://hub.example.com:6444");
  assert.equal(env.MCP_CLUSTER_NAME.value, "edge-1");
  assert.deepEqual(env.MCP_BOOTSTRAP_TOKEN.valueFrom.secretKeyRef, {
    name: secret.metadata.name,
    key: "bootstrap-token",
  });
  // Every variable and flag used is one the agent declares (or Node reads: its compile cache,
  // which must be on the writable state volume, the root filesystem being read-only).
  const envs = new Set([...agentFlags.map((f) => f.env).filter(Boolean), "NODE_COMPILE_CACHE"]);
  for (const name of Object.keys(env)) assert.ok(envs.has(name), `mcp-agent reads ${name}`);
  assert.match(env.NODE_COMPILE_CACHE.value, /^\/var\/lib\/mcp-agent\//);
  const flags = new Set(agentFlags.map((f) => `--${f.name}`));
  for (const a of c.args) assert.ok(flags.has(a.split("=")[0]), `mcp-agent has ${a}`);
  const mounts = Object.fromEntries(
    c.volumeMounts.map((m: { name: string; mountPath: string }) => [m.name, m]),
  );
  assert.equal(mounts["hub-ca"].mountPath, "/etc/mcp");
  const stateDir = c.args.find((a: string) => a.startsWith("--state-dir=")).split("=")[1];
  assert.equal(mounts.state.mountPath, stateDir, "the credential lands on the persistent volume");
});
