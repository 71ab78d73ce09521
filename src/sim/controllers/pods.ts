// Pods made from workload templates, and which pods a controller gives up first when it has too
// many (controller.ActivePods ordering): the least established go first.
import type { KubeObject } from "../../apis/meta/types.ts";
import { findCondition, isPodReady, ownerRef, podPhase, podSpec, podStatus } from "./objects.ts";
import type { PodTemplate } from "./types.ts";

export interface PodFromTemplate {
  owner: KubeObject;
  template: PodTemplate | undefined;
  /** A fixed name (StatefulSet); otherwise "<owner>-" + a random suffix. */
  name?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  /** Merged into the pod spec (a DaemonSet's node affinity, a StatefulSet's hostname). */
  spec?: Record<string, unknown>;
}

export function podFromTemplate(o: PodFromTemplate): KubeObject {
  const meta = o.template?.metadata ?? {};
  const labels = { ...meta.labels, ...o.labels };
  const annotations = { ...meta.annotations, ...o.annotations };
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      ...(o.name ? { name: o.name } : { generateName: `${o.owner.metadata.name}-` }),
      namespace: o.owner.metadata.namespace,
      ...(Object.keys(labels).length > 0 ? { labels } : {}),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [ownerRef(o.owner)],
    },
    spec: { ...structuredClone(o.template?.spec ?? { containers: [] }), ...o.spec },
  };
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

const readySince = (pod: KubeObject) =>
  Date.parse(findCondition(podStatus(pod).conditions, "Ready")?.lastTransitionTime ?? "") || 0;
const restarts = (pod: KubeObject) =>
  (podStatus(pod).containerStatuses ?? []).reduce((n, c) => Math.max(n, c.restartCount ?? 0), 0);

/** Pods in the order a controller deletes them when scaling down. */
export function deletionOrder(pods: KubeObject[]): KubeObject[] {
  const rank = (p: KubeObject) => [
    podSpec(p).nodeName ? 1 : 0,
    PHASE_RANK[podPhase(p)] ?? 1,
    isPodReady(p) ? 1 : 0,
    // Ready more recently, more restarts, created later: deleted first.
    -readySince(p),
    -restarts(p),
    -(Date.parse(p.metadata.creationTimestamp ?? "") || 0),
  ];
  return [...pods].sort((a, b) => {
    const ra = rank(a);
    const rb = rank(b);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i] - rb[i];
    return (a.metadata.name ?? "") < (b.metadata.name ?? "") ? 1 : -1;
  });
}
