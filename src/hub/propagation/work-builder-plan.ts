// The next Work spec of a cluster from its previous one and what it should hold now
// (docs/propagation.md, "Work builder"): a manifest whose content changed (or is new) gets a new
// revision, an unchanged one keeps its own; a removed one becomes a tombstone; tombstones the
// member acknowledged (at or below status.appliedRevision) are pruned, and a re-added manifest
// drops its tombstone. spec.revision only grows, and only when content changes.
//
// One revision carries at most `revisionBudgetBytes` of changed manifests: a bigger change is
// spread over consecutive revisions (Namespaces and CRDs first, in member-apply order), so the
// sync can always cut a delta at revision boundaries into updates an agent can receive
// (src/hub/propagation/sync-delta.ts). Tombstones take the last of them.
import type { KubeObject } from "../../apis/meta/types.ts";
import { orderGroup } from "../../member-apply/order.ts";
import { manifestId, manifestKey } from "../../propagation/identity.ts";
import { contentHash, sameContent, withRevision } from "../../propagation/render.ts";
import type { Tombstone, WorkSpec } from "./work-object.ts";

/** Default content budget of one revision (the agent's gRPC receive limit is 4 MiB). */
export const REVISION_BUDGET_BYTES = 2 * 1024 * 1024;

export interface PlanInput {
  cluster: string;
  /** The stored spec, or undefined when the cluster has no Work yet. */
  previous?: WorkSpec;
  appliedRevision: number;
  /** What the cluster should hold, by manifest key: rendered and marked, not yet stamped. */
  desired: ReadonlyMap<string, KubeObject>;
  /** Whether a removed manifest is left in the member (its binding preserves resources). */
  orphan(removed: KubeObject): boolean;
  revisionBudgetBytes?: number;
}

export interface WorkPlan {
  spec: WorkSpec;
  /** The content changed: the revision grew. */
  bumped: boolean;
  /** Anything differs from the previous spec (content, or tombstones pruned). */
  changed: boolean;
}

const byKey = (a: { key: string }, b: { key: string }) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export function planWork(input: PlanInput): WorkPlan {
  const prev = input.previous;
  const base = prev?.revision ?? 0;
  const prevManifests = new Map((prev?.manifests ?? []).map((m) => [manifestKey(m), m]));
  const kept: { key: string; m: KubeObject }[] = [];
  const changed: { key: string; m: KubeObject }[] = [];
  for (const [key, m] of input.desired) {
    const p = prevManifests.get(key);
    if (p && sameContent(p, m)) kept.push({ key, m: p });
    else changed.push({ key, m });
  }
  const removed = [...prevManifests].filter(([key]) => !input.desired.has(key));
  const bumped = changed.length > 0 || removed.length > 0;

  const stamped = stampRevisions(changed, base, input.revisionBudgetBytes ?? REVISION_BUDGET_BYTES);
  const revision = bumped ? Math.max(base + 1, ...stamped.map((s) => s.revision)) : base;
  const tombstones: Tombstone[] = (prev?.deletions ?? []).filter(
    (t) => t.revision > input.appliedRevision && !input.desired.has(manifestKey(t)),
  );
  for (const [, m] of removed)
    tombstones.push({ ...manifestId(m), revision, ...(input.orphan(m) ? { orphan: true } : {}) });
  tombstones.sort((a, b) => (manifestKey(a) < manifestKey(b) ? -1 : 1));

  const manifests = [...kept, ...stamped.map((s) => ({ key: s.key, m: s.m }))].sort(byKey).map((x) => x.m);
  const spec: WorkSpec = {
    cluster: input.cluster,
    revision,
    contentHash: contentHash(manifests),
    manifests,
    deletions: tombstones,
    suspendDispatching: prev?.suspendDispatching ?? false,
  };
  const pruned = (prev?.deletions.length ?? 0) !== tombstones.length - removed.length;
  return {
    spec,
    bumped,
    changed: bumped || pruned || (prev !== undefined && prev.contentHash !== spec.contentHash),
  };
}

/** New revisions from base+1, at most `budget` bytes of manifests each (at least one manifest). */
function stampRevisions(
  changed: { key: string; m: KubeObject }[],
  base: number,
  budget: number,
): { key: string; m: KubeObject; revision: number }[] {
  const ordered = [...changed].sort((a, b) => orderGroup(a.m) - orderGroup(b.m) || byKey(a, b));
  let revision = base + 1;
  let used = 0;
  return ordered.map(({ key, m }) => {
    const size = Buffer.byteLength(JSON.stringify(m));
    if (used > 0 && used + size > budget) {
      revision++;
      used = 0;
    }
    used += size;
    return { key, m: withRevision(m, revision), revision };
  });
}
