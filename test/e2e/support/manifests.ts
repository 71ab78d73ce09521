// Manifests the e2e suites apply, as a user would write them (YAML text), plus a helper that
// puts them in files for `kubectl ... -f FILE`.
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

export interface DeploymentOptions {
  name: string;
  namespace?: string;
  replicas?: number;
  image?: string;
  labels?: Record<string, string>;
}

export function deploymentYaml(o: DeploymentOptions): string {
  const labels = { app: o.name, ...o.labels };
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${o.name}
  namespace: ${o.namespace ?? "default"}
  labels: ${JSON.stringify(labels)}
spec:
  replicas: ${o.replicas ?? 2}
  selector:
    matchLabels: {app: ${o.name}}
  template:
    metadata:
      labels: {app: ${o.name}}
    spec:
      containers:
      - name: web
        image: ${o.image ?? "nginx:1.25"}
        ports:
        - containerPort: 80
`;
}

export interface ClusterOptions {
  name: string;
  mode?: "Push" | "Pull";
  apiEndpoint?: string;
  labels?: Record<string, string>;
  syncInterval?: string;
}

export function clusterYaml(o: ClusterOptions): string {
  return `apiVersion: mcp.platform/v1
kind: Cluster
metadata:
  name: ${o.name}
  labels: ${JSON.stringify(o.labels ?? {})}
spec:
  mode: ${o.mode ?? "Push"}
  apiEndpoint: ${o.apiEndpoint ?? "https://10.0.0.1:6443"}
${o.syncInterval ? `  syncInterval: ${o.syncInterval}\n` : ""}`;
}

/** Writes a manifest to DIR/manifests/NAME and returns its path. */
export async function manifestFile(dir: string, name: string, text: string): Promise<string> {
  await mkdir(join(dir, "manifests"), { recursive: true });
  const path = join(dir, "manifests", name);
  await writeFile(path, text);
  return path;
}
