// The add-ons a kubeadm cluster runs in kube-system, as manifests: CoreDNS (Deployment, the
// kube-dns Service, its Corefile), kube-proxy (DaemonSet and the `kube-proxy` ConfigMap whose
// config.conf carries the proxy mode) and the CNI (cni.ts). Their pods are created by the
// workload controllers, as in a real cluster.
import type { KubeObject } from "../apis/meta/types.ts";
import { cniObjects } from "./cni.ts";
import type { SimProfile } from "./context.ts";
import { CONTROL_PLANE_TOLERATION, daemonSet, LINUX, meta } from "./manifests.ts";
import { POD_CIDR } from "./node-objects.ts";

export const SERVICE_CIDR = "10.96.0.0/12";
export const DNS_SERVICE_IP = "10.96.0.10";

/** CoreDNS as kubeadm ships it for each Kubernetes minor. */
export function coreDnsVersion(kubernetesVersion: string): string {
  const minor = Number(/^v?1\.(\d+)/.exec(kubernetesVersion)?.[1] ?? 29);
  if (minor >= 29) return "v1.11.1";
  if (minor >= 27) return "v1.10.1";
  if (minor >= 25) return "v1.9.3";
  return "v1.8.6";
}

export function addonObjects(p: SimProfile): KubeObject[] {
  return [...coreDns(p), ...kubeProxy(p), ...cniObjects(p)];
}

function coreDns(p: SimProfile): KubeObject[] {
  const labels = { "k8s-app": "kube-dns" };
  const corefile = `.:53 {
    errors
    health {
       lameduck 5s
    }
    ready
    kubernetes cluster.local in-addr.arpa ip6.arpa {
       pods insecure
       fallthrough in-addr.arpa ip6.arpa
       ttl 30
    }
    prometheus :9153
    forward . /etc/resolv.conf {
       max_concurrent 1000
    }
    cache 30
    loop
    reload
    loadbalance
}
`;
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("coredns", {}) },
    { apiVersion: "v1", kind: "ConfigMap", metadata: meta("coredns", {}), data: { Corefile: corefile } },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: meta("coredns", labels),
      spec: {
        replicas: p.coreDNSReplicas,
        selector: { matchLabels: labels },
        strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 1, maxSurge: "25%" } },
        template: {
          metadata: { labels },
          spec: {
            priorityClassName: "system-cluster-critical",
            serviceAccountName: "coredns",
            nodeSelector: LINUX,
            tolerations: [{ key: "CriticalAddonsOnly", operator: "Exists" }, CONTROL_PLANE_TOLERATION],
            containers: [
              {
                name: "coredns",
                image: `registry.k8s.io/coredns/coredns:${coreDnsVersion(p.kubernetesVersion)}`,
                args: ["-conf", "/etc/coredns/Corefile"],
                ports: [
                  { name: "dns", containerPort: 53, protocol: "UDP" },
                  { name: "dns-tcp", containerPort: 53, protocol: "TCP" },
                  { name: "metrics", containerPort: 9153, protocol: "TCP" },
                ],
                resources: { limits: { memory: "170Mi" }, requests: { cpu: "100m", memory: "70Mi" } },
                livenessProbe: {
                  httpGet: { path: "/health", port: 8080 },
                  initialDelaySeconds: 60,
                  timeoutSeconds: 5,
                  failureThreshold: 5,
                },
                readinessProbe: { httpGet: { path: "/ready", port: 8181 } },
                volumeMounts: [{ name: "config-volume", mountPath: "/etc/coredns", readOnly: true }],
              },
            ],
            volumes: [
              {
                name: "config-volume",
                configMap: { name: "coredns", items: [{ key: "Corefile", path: "Corefile" }] },
              },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: meta(
        "kube-dns",
        { ...labels, "kubernetes.io/cluster-service": "true", "kubernetes.io/name": "CoreDNS" },
        { annotations: { "prometheus.io/port": "9153", "prometheus.io/scrape": "true" } },
      ),
      spec: {
        selector: labels,
        clusterIP: DNS_SERVICE_IP,
        ports: [
          { name: "dns", port: 53, protocol: "UDP", targetPort: 53 },
          { name: "dns-tcp", port: 53, protocol: "TCP", targetPort: 53 },
          { name: "metrics", port: 9153, protocol: "TCP", targetPort: 9153 },
        ],
      },
    },
  ];
}

function kubeProxy(p: SimProfile): KubeObject[] {
  const labels = { "k8s-app": "kube-proxy" };
  const config = [
    "apiVersion: kubeproxy.config.k8s.io/v1alpha1",
    "kind: KubeProxyConfiguration",
    "bindAddress: 0.0.0.0",
    `clusterCIDR: ${POD_CIDR}`,
    "clientConnection:",
    "  kubeconfig: /var/lib/kube-proxy/kubeconfig.conf",
    "iptables:",
    "  masqueradeAll: false",
    "  syncPeriod: 30s",
    "ipvs:",
    "  scheduler: rr",
    "  syncPeriod: 30s",
    "metricsBindAddress: 0.0.0.0:10249",
    `mode: ${p.kubeProxyMode}`,
    "",
  ].join("\n");
  return [
    { apiVersion: "v1", kind: "ServiceAccount", metadata: meta("kube-proxy", {}) },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: meta("kube-proxy", { app: "kube-proxy" }),
      data: { "config.conf": config },
    },
    daemonSet("kube-proxy", labels, {
      priorityClassName: "system-node-critical",
      serviceAccountName: "kube-proxy",
      hostNetwork: true,
      nodeSelector: LINUX,
      tolerations: [{ operator: "Exists" }],
      containers: [
        {
          name: "kube-proxy",
          image: `registry.k8s.io/kube-proxy:${p.kubernetesVersion}`,
          command: [
            "/usr/local/bin/kube-proxy",
            "--config=/var/lib/kube-proxy/config.conf",
            "--hostname-override=$(NODE_NAME)",
          ],
          env: [
            { name: "NODE_NAME", valueFrom: { fieldRef: { apiVersion: "v1", fieldPath: "spec.nodeName" } } },
          ],
          securityContext: { privileged: true },
          volumeMounts: [{ name: "kube-proxy", mountPath: "/var/lib/kube-proxy" }],
        },
      ],
      volumes: [{ name: "kube-proxy", configMap: { name: "kube-proxy" } }],
    }),
  ];
}
