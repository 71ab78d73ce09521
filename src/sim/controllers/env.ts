// What every simulated controller is given (the cluster's client, shared cache, profile,
// faults and event recorder), and the write helpers they all use: each write goes through the InternalClient (the
// same semantics as an API request) and is recorded in the shared cache at once.
import { isDeepStrictEqual } from "node:util";
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import type { FaultState, SimProfile } from "../context.ts";
import type { EventSink } from "../events/recorder.ts";
import type { EventInfo } from "../events/shapes.ts";
import type { ClusterCache } from "./cluster-cache.ts";
import { ownerRef, refOf } from "./objects.ts";
import { WorkQueue } from "./queue.ts";

export interface ControllerEnv {
  cluster: string;
  client: InternalClient;
  cache: ClusterCache;
  profile: SimProfile;
  faults: FaultState;
  log: Logger;
  /** Where controllers report Events (kubectl get events, describe). */
  events: EventSink;
}

/** An event from `component` about `regarding` (Normal unless info.type says otherwise). */
export function recordEvent(
  env: ControllerEnv,
  regarding: KubeObject,
  component: string,
  info: Omit<EventInfo, "component">,
): void {
  env.events.record(regarding, { ...info, component });
}

/** A running simulated controller: its queue, and a hook to re-examine everything. */
export interface Controller {
  readonly name: string;
  readonly queue: WorkQueue;
  /** Requeues every object the controller owns (after faults change). */
  resync?(): void;
}

/** Conflicts and races with deletions are routine for controllers: they are retried quietly. */
const ROUTINE = new Set(["Conflict", "NotFound", "AlreadyExists"]);

export function newQueue(env: ControllerEnv, name: string, reconcile: (key: string) => Promise<void>) {
  const log = env.log.child({ controller: name });
  return new WorkQueue(reconcile, {
    onError(key, err, attempt) {
      const routine = err instanceof ApiError && ROUTINE.has(err.reason);
      if (routine && attempt < 5) log.debug({ key, err: String(err) }, "retrying");
      else log.warn({ key, err: String(err), attempt }, "reconcile failed; retrying");
    },
  });
}

export async function create(env: ControllerEnv, obj: KubeObject): Promise<KubeObject> {
  const out = await env.client.create(obj);
  env.cache.observe(out);
  return out;
}

const isConflict = (e: unknown) => e instanceof ApiError && e.reason === "Conflict";

/**
 * Changes `obj` (undefined = leave alone) and writes it. The cached copy is tried first, at its
 * resourceVersion; only when someone wrote meanwhile (Conflict) is the object re-read and the
 * change re-applied, so the common case costs one read less. `change` gets a shallow copy (top
 * level and metadata): it must replace nested objects, never edit them in place.
 */
export async function mutate(
  env: ControllerEnv,
  obj: KubeObject,
  change: (current: KubeObject) => KubeObject | undefined,
  opts: { status?: boolean } = {},
): Promise<KubeObject | undefined> {
  let out: KubeObject | undefined;
  try {
    const next = change({ ...obj, metadata: { ...obj.metadata } });
    if (!next) return obj;
    out = await (opts.status ? env.client.updateStatus(next) : env.client.update(next));
  } catch (e) {
    if (!isConflict(e)) throw e;
    out = await env.client.mutate(
      refOf(obj),
      (cur) => (cur.metadata.uid === obj.metadata.uid ? change(cur) : undefined),
      opts,
    );
  }
  if (out) env.cache.observe(out);
  return out;
}

/** Writes `status` through the status subresource when it differs from the stored one. */
export async function writeStatus(env: ControllerEnv, obj: KubeObject, status: unknown): Promise<void> {
  // `obj` comes from the cache; if that is stale, the event making it fresh will requeue the key.
  if (isDeepStrictEqual(obj.status, status)) return;
  await mutate(env, obj, (cur) => (isDeepStrictEqual(cur.status, status) ? undefined : { ...cur, status }), {
    status: true,
  });
}

/** Deletes `obj` (absent is fine); the cache stops showing it at once. */
export async function remove(env: ControllerEnv, obj: KubeObject): Promise<void> {
  env.cache.hide(obj);
  try {
    await env.client.delete(refOf(obj));
  } catch (e) {
    env.cache.unhide(obj);
    throw e;
  }
}

/**
 * Creates a pod for `owner` and reports it as controller_utils' PodControl does: SuccessfulCreate
 * "Created pod: <name>", or FailedCreate "Error creating: <error>" when the API refuses.
 */
export async function createPod(
  env: ControllerEnv,
  owner: KubeObject,
  pod: KubeObject,
  component: string,
): Promise<KubeObject> {
  try {
    const out = await create(env, pod);
    recordEvent(env, owner, component, {
      reason: "SuccessfulCreate",
      message: `Created pod: ${out.metadata.name}`,
    });
    return out;
  } catch (e) {
    if (!(e instanceof ApiError && ROUTINE.has(e.reason)))
      recordEvent(env, owner, component, {
        type: "Warning",
        reason: "FailedCreate",
        message: `Error creating: ${(e as Error).message}`,
      });
    throw e;
  }
}

/** Deletes `owner`'s pod and reports SuccessfulDelete "Deleted pod: <name>" (or FailedDelete). */
export async function deletePod(
  env: ControllerEnv,
  owner: KubeObject,
  pod: KubeObject,
  component: string,
): Promise<void> {
  try {
    await remove(env, pod);
    recordEvent(env, owner, component, {
      reason: "SuccessfulDelete",
      message: `Deleted pod: ${pod.metadata.name}`,
    });
  } catch (e) {
    if (!(e instanceof ApiError && ROUTINE.has(e.reason)))
      recordEvent(env, owner, component, {
        type: "Warning",
        reason: "FailedDelete",
        message: `Error deleting: ${(e as Error).message}`,
      });
    throw e;
  }
}

/** Makes `owner` the controller of an orphan that its selector matches (as Kubernetes adopts). */
export async function adopt(env: ControllerEnv, owner: KubeObject, orphan: KubeObject): Promise<void> {
  await mutate(env, orphan, (cur) => {
    if (cur.metadata.ownerReferences?.some((r) => r.controller)) return undefined;
    cur.metadata.ownerReferences = [...(cur.metadata.ownerReferences ?? []), ownerRef(owner)];
    return cur;
  });
}
