// ControllerRevisions: the template history of StatefulSets and DaemonSets, as their Kubernetes
// controllers keep it (<owner>-<hash>, a growing revision number, data.spec.template). A
// StatefulSet needs it to recreate pods below its partition at the old revision; both make
// `kubectl rollout history` work. Revisions beyond revisionHistoryLimit that no pod uses are
// deleted, oldest first.
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { type ControllerEnv, create, remove } from "./env.ts";
import { ownerRef, refOf } from "./objects.ts";
import type { PodTemplate } from "./types.ts";

export const REVISION_HASH_LABEL = "controller-revision-hash";

const revisionNumber = (cr: KubeObject) => Number((cr as { revision?: number }).revision ?? 0);

export function revisionTemplate(
  env: ControllerEnv,
  owner: KubeObject,
  name: string,
): PodTemplate | undefined {
  const cr = env.cache.controllerRevisions.get(owner.metadata.namespace, name);
  return (cr as { data?: { spec?: { template?: PodTemplate } } } | undefined)?.data?.spec?.template;
}

/** The revision named `<owner>-<hash>` holding `template`, created (with the next number) if missing. */
export async function ensureRevision(
  env: ControllerEnv,
  owner: KubeObject,
  template: PodTemplate | undefined,
  hash: string,
): Promise<void> {
  const name = `${owner.metadata.name}-${hash}`;
  if (env.cache.controllerRevisions.get(owner.metadata.namespace, name)) return;
  const existing = env.cache.controllerRevisions.byIndex("owner", owner.metadata.uid!);
  const cr: KubeObject = {
    apiVersion: "apps/v1",
    kind: "ControllerRevision",
    metadata: {
      name,
      namespace: owner.metadata.namespace,
      labels: { ...template?.metadata?.labels, [REVISION_HASH_LABEL]: hash },
      ownerReferences: [ownerRef(owner)],
    },
    data: { spec: { template } },
    revision: Math.max(0, ...existing.map(revisionNumber)) + 1,
  };
  try {
    await create(env, cr);
  } catch (e) {
    if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
    const live = await env.client.get(refOf(cr));
    if (live) env.cache.observe(live);
  }
}

/** Deletes the oldest revisions beyond `limit`, never one in `inUse`. */
export async function pruneRevisions(
  env: ControllerEnv,
  owner: KubeObject,
  inUse: ReadonlySet<string>,
  limit: number,
): Promise<void> {
  const history = env.cache.controllerRevisions
    .byIndex("owner", owner.metadata.uid!)
    .filter((cr) => !inUse.has(cr.metadata.name!))
    .sort((a, b) => revisionNumber(a) - revisionNumber(b));
  for (const cr of history.slice(0, Math.max(0, history.length - limit))) await remove(env, cr);
}
