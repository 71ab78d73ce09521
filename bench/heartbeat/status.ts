// The status a synthetic member reports: what the agent's collector (src/agent/status/collect.ts)
// produces for a kubeadm cluster of N nodes with Calico — version, node counts, summed capacity
// and allocatable, kube-system components and per-node MTU — so each heartbeat carries as much
// JSON, and costs the hub as much to validate and store, as a real one. Clusters differ a little
// (version, size of nodes) as a fleet does.
import type { ObservedClusterStatus } from "../../src/agent/status/collect.ts";

const VERSIONS = ["v1.28.9", "v1.29.4", "v1.30.4", "v1.31.1"];
/** Node shapes: CPUs and memory (GiB) per node. */
const SHAPES = [
  { cpu: 4, memGi: 16 },
  { cpu: 8, memGi: 32 },
  { cpu: 16, memGi: 64 },
];

export function syntheticStatus(index: number, nodes: number): () => ObservedClusterStatus {
  const shape = SHAPES[index % SHAPES.length];
  const names = Array.from(
    { length: nodes },
    (_, i) => `ip-10-${index % 250}-${Math.floor(i / 250)}-${i % 250}.ec2.internal`,
  );
  const mtu: Record<string, number> = { "*": 1440 };
  for (const n of names) mtu[n] = 1440;
  const memKi = shape.memGi * 1024 * 1024;
  const fixed = {
    kubernetesVersion: VERSIONS[index % VERSIONS.length],
    nodes: { total: nodes, ready: nodes },
    capacity: {
      cpu: String(shape.cpu * nodes),
      memory: `${memKi * nodes}Ki`,
      pods: String(110 * nodes),
      "ephemeral-storage": `${102350 * nodes}Mi`,
    },
    allocatable: {
      cpu: `${(shape.cpu * 1000 - 100) * nodes}m`,
      memory: `${(memKi - 1_048_576 - 102_400) * nodes}Ki`,
      pods: String(110 * nodes),
      "ephemeral-storage": `${94324 * nodes}Mi`,
    },
    components: {
      etcdVersion: "3.5.12",
      cni: { name: "calico", version: "v3.27.2" },
      kubeProxyMode: "iptables",
      coreDNSReplicas: { desired: 2, ready: 2 },
      mtu,
    },
    notes: [] as string[],
  };
  return () => ({ ...fixed, observedAt: new Date().toISOString() });
}
