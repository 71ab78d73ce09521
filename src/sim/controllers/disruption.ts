// The disruption controller (pkg/controller/disruption): keeps each PodDisruptionBudget's status
// — expectedPods, desiredHealthy, currentHealthy, disruptionsAllowed, observedGeneration and the
// DisruptionAllowed condition — from the pods its selector matches. An integer minAvailable
// expects the matching pods; percentages and maxUnavailable expect the scale of the pods'
// controllers (Deployment, ReplicaSet, StatefulSet, or any kind with a scale subresource). Pods
// the eviction subresource has just approved (status.disruptedPods) count as gone for two
// minutes. A budget that cannot be computed fails safe: no disruption allowed.
import { isDeepStrictEqual } from "node:util";
import type { KubeObject } from "../../apis/meta/types.ts";
import { type Controller, type ControllerEnv, newQueue, recordEvent } from "./env.ts";
import {
  controllerRef,
  isPodReady,
  isTerminating,
  keyOf,
  now,
  scaledValue,
  selects,
  specOf,
  splitKey,
} from "./objects.ts";
import {
  conditionsUpToDate,
  DISRUPTION_ALLOWED,
  type PdbStatus,
  pdbSpec,
  pdbStatus,
  setStatusCondition,
  withDisruptionAllowed,
} from "./pdb.ts";
import type { LabelSelectorSpec } from "./types.ts";

/** How long an approved eviction may take to show up as a deleted pod. */
export const DELETION_TIMEOUT_MS = 2 * 60_000;
/** The disruption controller records as kube-controller-manager's generic source. */
const COMPONENT = "controllermanager";

const replicasOf = (o: KubeObject) => specOf<{ replicas?: number }>(o).replicas ?? 1;
const groupOf = (apiVersion: string) => (apiVersion.includes("/") ? apiVersion.split("/")[0] : "");

/** A selector as Go's %v prints *metav1.LabelSelector (in the UnmanagedPods event). */
function goSelector(sel: LabelSelectorSpec | undefined): string {
  if (!sel) return "nil";
  const labels = Object.keys(sel.matchLabels ?? {})
    .sort()
    .map((k) => `${k}: ${sel.matchLabels![k]},`)
    .join("");
  const exprs = (sel.matchExpressions ?? [])
    .map(
      (e) =>
        `LabelSelectorRequirement{Key:${e.key},Operator:${e.operator},Values:[${(e.values ?? []).join(" ")}],}`,
    )
    .join(",");
  return `&LabelSelector{MatchLabels:map[string]string{${labels}},MatchExpressions:[]LabelSelectorRequirement{${exprs}},}`;
}

export function startDisruptionController(env: ControllerEnv): Controller {
  const { cache } = env;

  /**
   * Writes the status at the budget's resourceVersion. Unlike writeStatus, a conflict is not
   * re-applied on top: the eviction subresource may have just taken a disruption, so the key is
   * retried and everything recomputed from the fresh budget.
   */
  const writeStatus = async (pdb: KubeObject, status: unknown): Promise<boolean> => {
    if (isDeepStrictEqual(pdb.status, status)) return false;
    cache.observe(await env.client.updateStatus({ ...pdb, status }));
    return true;
  };

  const podsFor = (pdb: KubeObject) =>
    cache.pods.list(pdb.metadata.namespace).filter((p) => selects(pdbSpec(pdb).selector, p));

  /** getExpectedScale: the summed scale of the pods' controllers, and the pods without one. */
  const expectedScale = async (pods: KubeObject[]): Promise<{ count: number; unmanaged: string[] }> => {
    const scales = new Map<string, number>();
    const unmanaged: string[] = [];
    for (const pod of pods) {
      const ref = controllerRef(pod);
      if (!ref) {
        unmanaged.push(pod.metadata.name!);
        continue;
      }
      if (scales.has(ref.uid)) continue;
      const ns = pod.metadata.namespace;
      const group = groupOf(ref.apiVersion);
      let found: [uid: string, scale: number] | undefined;
      if (ref.kind === "ReplicaSet" && (group === "apps" || group === "extensions")) {
        const rs = cache.replicaSets.get(ns, ref.name);
        if (rs?.metadata.uid === ref.uid) {
          const owner = controllerRef(rs);
          const d = owner?.kind === "Deployment" ? cache.deployments.get(ns, owner.name) : undefined;
          found =
            d && d.metadata.uid === owner?.uid ? [d.metadata.uid!, replicasOf(d)] : [ref.uid, replicasOf(rs)];
        }
      } else if (ref.kind === "StatefulSet" && group === "apps") {
        const ss = cache.statefulSets.get(ns, ref.name);
        if (ss?.metadata.uid === ref.uid) found = [ref.uid, replicasOf(ss)];
      } else {
        // getScaleController: any other kind counts through its scale subresource.
        const rt = env.client.registry.byGroupKind(group, ref.kind);
        if (rt && !rt.subresources.includes("scale"))
          throw new Error(
            `${rt.plural}${rt.group ? `.${rt.group}` : ""} does not implement the scale subresource`,
          );
        const owner =
          rt &&
          (await env.client.get({
            apiVersion: ref.apiVersion,
            kind: ref.kind,
            namespace: ns,
            name: ref.name,
          }));
        if (owner?.metadata.uid === ref.uid) found = [ref.uid, replicasOf(owner)];
      }
      if (!found) throw new Error(`found no controllers for pod "${pod.metadata.name}"`);
      scales.set(found[0], found[1]);
    }
    return { count: [...scales.values()].reduce((a, b) => a + b, 0), unmanaged };
  };

  /** getExpectedPodCount. */
  const expected = async (pdb: KubeObject, pods: KubeObject[]) => {
    const spec = pdbSpec(pdb);
    if (spec.maxUnavailable !== undefined) {
      const { count, unmanaged } = await expectedScale(pods);
      const desired = Math.max(0, count - scaledValue(spec.maxUnavailable, count, true, 0));
      return { count, desired, unmanaged };
    }
    if (spec.minAvailable === undefined) return { count: 0, desired: 0, unmanaged: [] };
    if (typeof spec.minAvailable === "number")
      return { count: pods.length, desired: spec.minAvailable, unmanaged: [] };
    const { count, unmanaged } = await expectedScale(pods);
    return { count, desired: scaledValue(spec.minAvailable, count, true, 0), unmanaged };
  };

  const sync = async (key: string): Promise<void> => {
    const { namespace, name } = splitKey(key);
    const pdb = cache.pdbs.get(namespace, name);
    if (!pdb) return;
    const pods = podsFor(pdb);
    // Kubernetes records these on every sync; here they go out only with a status change, as
    // the controller's own status write requeues the budget and would repeat them for nothing.
    const notes: (() => void)[] = [];
    const note = (regarding: KubeObject, info: Parameters<typeof recordEvent>[3]) =>
      notes.push(() => recordEvent(env, regarding, COMPONENT, info));
    const changed = async (written: Promise<boolean>) => {
      if (await written) for (const n of notes) n();
    };
    if (pods.length === 0) note(pdb, { reason: "NoPods", message: "No matching pods found" });
    let count: number;
    let desired: number;
    try {
      const e = await expected(pdb, pods);
      ({ count, desired } = e);
      if (e.unmanaged.length > 0)
        note(pdb, {
          type: "Warning",
          reason: "UnmanagedPods",
          message:
            `Pods selected by this PodDisruptionBudget (selector: ${goSelector(pdbSpec(pdb).selector)}) were found ` +
            "to be unmanaged. As a result, the status of the PDB cannot be calculated correctly, which may result in undefined behavior. " +
            'To account for these pods please set ".spec.minAvailable" field of the PDB to an integer value.',
        });
    } catch (err) {
      const message = (err as Error).message;
      note(pdb, {
        type: "Warning",
        reason: "CalculateExpectedPodCountFailed",
        message: `Failed to calculate the number of expected pods: ${message}`,
      });
      return changed(failSafe(pdb, message));
    }
    const nowMs = Date.now();
    // buildDisruptedPodMap: approved evictions still expected to show up as deletions.
    const disrupted: Record<string, string> = {};
    let recheck = Number.POSITIVE_INFINITY;
    const approved = pdbStatus(pdb).disruptedPods ?? {};
    for (const pod of pods) {
      const at = approved[pod.metadata.name!];
      if (isTerminating(pod) || at === undefined) continue;
      const due = Date.parse(at) + DELETION_TIMEOUT_MS;
      if (due < nowMs)
        note(pod, {
          type: "Warning",
          reason: "NotDeleted",
          // Kubernetes prints the namespace twice here; so do we.
          message: `Pod was expected by PDB ${pdb.metadata.namespace}/${pdb.metadata.namespace} to be deleted but it wasn't`,
        });
      else {
        disrupted[pod.metadata.name!] = at;
        recheck = Math.min(recheck, due);
      }
    }
    const healthy = pods.filter(
      (p) => !isTerminating(p) && disrupted[p.metadata.name!] === undefined && isPodReady(p),
    ).length;
    await changed(
      updateStatus(pdb, { currentHealthy: healthy, desiredHealthy: desired, expectedPods: count, disrupted }),
    );
    if (Number.isFinite(recheck)) queue.addAfter(key, recheck - nowMs + 1);
  };

  const updateStatus = async (
    pdb: KubeObject,
    c: {
      currentHealthy: number;
      desiredHealthy: number;
      expectedPods: number;
      disrupted: Record<string, string>;
    },
  ): Promise<boolean> => {
    const allowed = c.expectedPods <= 0 ? 0 : Math.max(0, c.currentHealthy - c.desiredHealthy);
    const old = pdbStatus(pdb);
    const generation = pdb.metadata.generation ?? 0;
    const same =
      old.currentHealthy === c.currentHealthy &&
      old.desiredHealthy === c.desiredHealthy &&
      old.expectedPods === c.expectedPods &&
      old.disruptionsAllowed === allowed &&
      JSON.stringify(old.disruptedPods ?? {}) === JSON.stringify(c.disrupted) &&
      (old.observedGeneration ?? 0) === generation &&
      conditionsUpToDate(pdb);
    if (same) return false;
    const status: PdbStatus = withDisruptionAllowed({
      ...(Object.keys(c.disrupted).length > 0 ? { disruptedPods: c.disrupted } : {}),
      ...(generation ? { observedGeneration: generation } : {}),
      disruptionsAllowed: allowed,
      currentHealthy: c.currentHealthy,
      desiredHealthy: c.desiredHealthy,
      expectedPods: c.expectedPods,
      conditions: old.conditions,
    });
    return writeStatus(pdb, status);
  };

  /** failSafe: whatever else is wrong, no eviction is approved. */
  const failSafe = (pdb: KubeObject, message: string): Promise<boolean> => {
    const old = pdbStatus(pdb);
    return writeStatus(pdb, {
      ...old,
      disruptionsAllowed: 0,
      conditions: setStatusCondition(old.conditions, {
        type: DISRUPTION_ALLOWED,
        status: "False",
        ...(old.observedGeneration ? { observedGeneration: old.observedGeneration } : {}),
        lastTransitionTime: now(),
        reason: "SyncFailed",
        message,
      }),
    });
  };

  const queue = newQueue(env, "disruption", sync);
  cache.pdbs.on((pdb) => queue.add(keyOf(pdb)));
  cache.pods.on((pod, old) => {
    const budgets = cache.pdbs.list(pod.metadata.namespace);
    if (budgets.length === 0) return;
    for (const pdb of budgets) {
      const sel = pdbSpec(pdb).selector;
      if (selects(sel, pod) || (old && old !== pod && selects(sel, old))) queue.add(keyOf(pdb));
    }
  });
  return { name: "disruption", queue };
}
