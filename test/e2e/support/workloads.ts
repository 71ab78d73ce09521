// What the portable kubectl suites read back from a cluster: pods as JSON (kubectl -o json, so
// the same code reads mcp-sim and a real kube-apiserver), and the YAML manifests they apply.

export interface PodView {
  metadata: { name: string; deletionTimestamp?: string; labels?: Record<string, string> };
  spec: { nodeName?: string; containers: { name: string; image: string }[] };
  status: {
    phase?: string;
    podIP?: string;
    conditions?: { type: string; status: string; reason?: string }[];
  };
}

export const isReady = (p: PodView): boolean =>
  p.status.conditions?.some((c) => c.type === "Ready" && c.status === "True") ?? false;

/** A pod that is not on its way out (kubectl shows those as Terminating). */
export const isLive = (p: PodView): boolean => p.metadata.deletionTimestamp === undefined;

export const images = (p: PodView): string[] => p.spec.containers.map((c) => c.image);

export function statefulSetYaml(o: { name: string; namespace: string; partition: number }): string {
  return `apiVersion: v1
kind: Service
metadata: {name: ${o.name}, namespace: ${o.namespace}}
spec:
  clusterIP: None
  selector: {app: ${o.name}}
  ports: [{port: 80}]
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: ${o.name}, namespace: ${o.namespace}}
spec:
  replicas: 3
  serviceName: ${o.name}
  selector: {matchLabels: {app: ${o.name}}}
  updateStrategy:
    type: RollingUpdate
    rollingUpdate: {partition: ${o.partition}}
  template:
    metadata: {labels: {app: ${o.name}}}
    spec:
      containers:
      - name: ${o.name}
        image: nginx:1.25
`;
}

/** A Deployment and the Service in front of it, as one file for `kubectl apply --server-side`. */
export function appYaml(o: { name: string; namespace: string; replicas: number }): string {
  return `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${o.name}, namespace: ${o.namespace}, labels: {app: ${o.name}}}
spec:
  replicas: ${o.replicas}
  selector: {matchLabels: {app: ${o.name}}}
  template:
    metadata: {labels: {app: ${o.name}}}
    spec:
      containers:
      - name: ${o.name}
        image: nginx:1.25
        ports: [{containerPort: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: ${o.name}, namespace: ${o.namespace}}
spec:
  selector: {app: ${o.name}}
  ports: [{name: http, port: 8080, targetPort: 80}]
`;
}
