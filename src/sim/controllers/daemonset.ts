// The DaemonSet controller: one pod per node the template may run on (nodeSelector, required node
// affinity, and taints its tolerations — plus the ones Kubernetes adds to every daemon pod —
// allow). Pods are pinned with node affinity on metadata.name and placed by the scheduler, as in
// Kubernetes. RollingUpdate replaces old pods within maxUnavailable; OnDelete leaves them.
// Status: desired/current/misscheduled/ready/updated/available/unavailable, observedGeneration.
// Its pods' creations and deletions are SuccessfulCreate / SuccessfulDelete events.
import type { KubeObject } from "../../apis/meta/types.ts";
import { type Controller, type ControllerEnv, createPod, deletePod, newQueue, writeStatus } from "./env.ts";
import {
  computeHash,
  controllerRef,
  isPodAvailable,
  isPodReady,
  isTerminating,
  keyOf,
  msUntilAvailable,
  omitZero,
  podPhase,
  podSpec,
  scaledValue,
  specOf,
  splitKey,
} from "./objects.ts";
import { podFromTemplate } from "./pods.ts";
import { ensureRevision, pruneRevisions, REVISION_HASH_LABEL } from "./revisions.ts";
import {
  effectiveTaints,
  isNodeReady,
  matchesNodeSelector,
  nodeSpec,
  untoleratedTaint,
} from "./scheduling.ts";
import type { IntOrString, PodSpec, PodTemplate, Toleration } from "./types.ts";

const COMPONENT = "daemonset-controller";

interface DaemonSetSpec {
  template?: PodTemplate;
  updateStrategy?: { type?: string; rollingUpdate?: { maxUnavailable?: IntOrString } };
  minReadySeconds?: number;
  revisionHistoryLimit?: number;
}

/** What util.AddOrUpdateDaemonPodTolerations adds, so daemons survive node trouble. */
function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const t = (key: string, effect: string): Toleration => ({
    key: `node.kubernetes.io/${key}`,
    operator: "Exists",
    effect,
  });
  const added = [
    t("not-ready", "NoExecute"),
    t("unreachable", "NoExecute"),
    t("disk-pressure", "NoSchedule"),
    t("memory-pressure", "NoSchedule"),
    t("pid-pressure", "NoSchedule"),
    t("unschedulable", "NoSchedule"),
    ...(spec?.hostNetwork ? [t("network-unavailable", "NoSchedule")] : []),
  ];
  const existing = spec?.tolerations ?? [];
  return [
    ...existing,
    ...added.filter((a) => !existing.some((e) => e.key === a.key && e.effect === a.effect)),
  ];
}

/** The node a daemon pod is for: its nodeName, or the node its affinity pins it to. */
function targetNode(pod: KubeObject): string | undefined {
  const spec = podSpec(pod);
  if (spec.nodeName) return spec.nodeName;
  const terms =
    spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  return terms[0]?.matchFields?.find((f) => f.key === "metadata.name")?.values?.[0];
}

export function startDaemonSetController(env: ControllerEnv): Controller {
  const { cache, faults } = env;

  const placement = (spec: PodSpec | undefined, node: KubeObject) => {
    const s = { ...spec, tolerations: daemonTolerations(spec) };
    const selected = matchesNodeSelector(s, node);
    return {
      shouldRun:
        selected &&
        !untoleratedTaint(s.tolerations, effectiveTaints(node, faults), ["NoSchedule", "NoExecute"]),
      shouldContinue:
        selected && !untoleratedTaint(s.tolerations, nodeSpec(node).taints ?? [], ["NoExecute"]),
    };
  };

  const newPod = (ds: KubeObject, template: PodTemplate | undefined, hash: string, node: string) => {
    const affinity = {
      ...template?.spec?.affinity,
      nodeAffinity: {
        ...template?.spec?.affinity?.nodeAffinity,
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchFields: [{ key: "metadata.name", operator: "In", values: [node] }] }],
        },
      },
    };
    return podFromTemplate({
      owner: ds,
      template,
      labels: { [REVISION_HASH_LABEL]: hash, "pod-template-generation": String(ds.metadata.generation ?? 1) },
      spec: { affinity, tolerations: daemonTolerations(template?.spec) },
    });
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const ds = cache.daemonSets.get(namespace, name);
    if (!ds || isTerminating(ds)) return;
    const spec = specOf<DaemonSetSpec>(ds);
    const hash = computeHash(spec.template);
    await ensureRevision(env, ds, spec.template, hash);
    const minReady = spec.minReadySeconds ?? 0;
    const byNode = new Map<string, KubeObject[]>();
    for (const pod of cache.pods.byIndex("owner", ds.metadata.uid!)) {
      if (isTerminating(pod)) continue;
      // A failed daemon is replaced, as the kubelet would restart it.
      if (podPhase(pod) === "Failed") {
        await deletePod(env, ds, pod, COMPONENT);
        continue;
      }
      const node = targetNode(pod) ?? "";
      byNode.set(node, [...(byNode.get(node) ?? []), pod]);
    }
    const nodes = cache.nodes.list();
    const desired: { node: string; pod?: KubeObject }[] = [];
    let misscheduled = 0;
    for (const node of nodes) {
      const nodeName = node.metadata.name!;
      const pods = byNode.get(nodeName) ?? [];
      byNode.delete(nodeName);
      const { shouldRun, shouldContinue } = placement(spec.template?.spec, node);
      if (pods.length > 0 && !shouldContinue) {
        for (const p of pods) await deletePod(env, ds, p, COMPONENT);
        continue;
      }
      if (!shouldRun && pods.length > 0) misscheduled++;
      if (!shouldRun) continue;
      // Keep the oldest pod on a node; duplicates go.
      const [keep, ...extra] = [...pods].sort((a, b) =>
        (a.metadata.creationTimestamp ?? "").localeCompare(b.metadata.creationTimestamp ?? ""),
      );
      for (const p of extra) await deletePod(env, ds, p, COMPONENT);
      desired.push({
        node: nodeName,
        pod: keep ?? (await createPod(env, ds, newPod(ds, spec.template, hash, nodeName), COMPONENT)),
      });
    }
    // Pods for nodes that no longer exist.
    for (const pods of byNode.values()) for (const p of pods) await deletePod(env, ds, p, COMPONENT);

    if ((spec.updateStrategy?.type ?? "RollingUpdate") === "RollingUpdate") {
      const maxUnavailable = Math.max(
        1,
        scaledValue(spec.updateStrategy?.rollingUpdate?.maxUnavailable, desired.length, true, 1),
      );
      let unavailable = desired.filter((d) => !d.pod || !isPodAvailable(d.pod, minReady)).length;
      const old = desired.filter((d) => d.pod && d.pod.metadata.labels?.[REVISION_HASH_LABEL] !== hash);
      // Old pods that are not available anyway go first: replacing them costs nothing.
      old.sort((a, b) => Number(isPodAvailable(a.pod!, minReady)) - Number(isPodAvailable(b.pod!, minReady)));
      for (const d of old) {
        const available = isPodAvailable(d.pod!, minReady);
        if (available && unavailable >= maxUnavailable) break;
        await deletePod(env, ds, d.pod!, COMPONENT);
        if (available) unavailable++;
        d.pod = undefined;
      }
    }

    const pods = desired.flatMap((d) => (d.pod ? [d.pod] : []));
    const available = pods.filter((p) => isPodAvailable(p, minReady)).length;
    await writeStatus(env, ds, {
      currentNumberScheduled: pods.length,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired.length,
      numberReady: pods.filter(isPodReady).length,
      ...omitZero({
        observedGeneration: ds.metadata.generation ?? 0,
        updatedNumberScheduled: pods.filter((p) => p.metadata.labels?.[REVISION_HASH_LABEL] === hash).length,
        numberAvailable: available,
        numberUnavailable: desired.length - available,
      }),
    });
    const inUse = new Set([
      `${name}-${hash}`,
      ...pods.map((p) => `${name}-${p.metadata.labels?.[REVISION_HASH_LABEL]}`),
    ]);
    await pruneRevisions(env, ds, inUse, spec.revisionHistoryLimit ?? 10);
    const wait = Math.min(...pods.map((p) => msUntilAvailable(p, minReady)).filter((ms) => ms > 0));
    if (Number.isFinite(wait)) queue.addAfter(key, wait + 1);
  };

  const queue = newQueue(env, "daemonset", sync);
  const all = () => {
    for (const ds of cache.daemonSets.list()) queue.add(keyOf(ds));
  };
  /** What placement looks at on a node (heartbeats change nothing here). */
  const view = (n: KubeObject) => JSON.stringify([n.metadata.labels, nodeSpec(n), isNodeReady(n, faults)]);
  cache.daemonSets.on((ds) => queue.add(keyOf(ds)));
  cache.pods.on((pod) => {
    const ref = controllerRef(pod);
    if (ref?.kind === "DaemonSet") queue.add(`${pod.metadata.namespace}/${ref.name}`);
  });
  cache.nodes.on((node, old, deleted) => {
    if (deleted || !old || view(old) !== view(node)) all();
  });
  return { name: "daemonset", queue, resync: all };
}
