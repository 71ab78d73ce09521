// What the policy benchmark enforces and writes: N ClusterPolicies, each with two rules that all
// match Deployments (the worst case: every write evaluates every rule), cycling through the
// built-in conditions and a few custom CEL expressions; and a Deployment that passes all of them,
// so every write is admitted and the cost measured is evaluation, not a denial.

const RULES: object[][] = [
  [
    { action: "deny", condition: "privileged-containers" },
    { action: "deny", condition: "host-path-volumes" },
  ],
  [
    { action: "deny", condition: "latest-image-tag" },
    { action: "warn", condition: "missing-resource-limits" },
  ],
  [
    { action: "audit", condition: "required-labels", params: { labels: ["team", "app"] } },
    { action: "deny", condition: "host-namespaces" },
  ],
  [
    { action: "deny", condition: "object.spec.replicas > 50", message: "at most 50 replicas" },
    {
      action: "warn",
      condition: 'allContainers(object).exists(c, !c.image.startsWith("registry.example/"))',
      message: "images come from registry.example",
    },
  ],
  [
    { action: "deny", condition: "cross-tenant-access" },
    {
      action: "deny",
      condition:
        'cluster.exists(c, c.env == "prod") && object.metadata.?labels[?"tier"].orValue("") == "experimental"',
    },
  ],
];

export function benchPolicy(i: number): object {
  return {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterPolicy",
    metadata: { name: `bench-${String(i).padStart(3, "0")}` },
    spec: {
      auditInMembers: false,
      rules: RULES[i % RULES.length].map((r) => ({ ...r, match: { kinds: ["Deployment"] } })),
    },
  };
}

export const BENCH_NAMESPACE = "policy-bench";

export function benchDeployment(name: string): object {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: BENCH_NAMESPACE, labels: { team: "bench", app: name } },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: {
          containers: [
            {
              name: "web",
              image: "registry.example/web:1.4.2",
              resources: {
                limits: { cpu: "500m", memory: "256Mi" },
                requests: { cpu: "100m", memory: "64Mi" },
              },
              ports: [{ containerPort: 8080 }],
            },
            {
              name: "sidecar",
              image: "registry.example/proxy:2.0",
              resources: { limits: { cpu: "100m", memory: "64Mi" } },
            },
          ],
        },
      },
    },
  };
}
