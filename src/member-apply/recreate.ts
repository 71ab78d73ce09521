// Immutable fields: a change the member's apiserver cannot make in place (a Deployment's
// selector, a Job's template, an immutable ConfigMap's data, a StatefulSet's volumeClaimTemplates,
// a PersistentVolumeClaim's spec) is refused with 422 Invalid. When the policy says
// `immutableFieldChange: Recreate`, the object is deleted (in the background, only the one that
// was read, by uid) and, once it is gone, applied again; otherwise the 422 is reported as it is.
import { setTimeout as sleep } from "node:timers/promises";
import type { KubeObject } from "../apis/meta/types.ts";
import { IMMUTABLE_ANNOTATION, manifestId } from "../propagation/identity.ts";
import { MemberApiError, type MemberObjectApi } from "./client.ts";

/**
 * How kube-apiserver words a refusal to change a field in place: ValidateImmutableField's
 * "field is immutable" (and "… when `immutable` is set"), a Service's clusterIP "may not change
 * once set", and the Forbidden messages of StatefulSet, Pod and PersistentVolumeClaim updates.
 */
const IMMUTABLE_MESSAGE =
  /field is immutable|may not change once set|updates to statefulset spec for fields other than|pod updates may not change fields|spec is immutable after creation/i;

/** The fields a 422 says cannot change in place; empty when the error is anything else. */
export function immutableFields(e: unknown): string[] {
  if (!(e instanceof MemberApiError) || e.code !== 422) return [];
  const causes = e.causes.filter((c) => IMMUTABLE_MESSAGE.test(c.message ?? ""));
  if (causes.length > 0) return [...new Set(causes.map((c) => c.field ?? "(object)"))];
  // A Status without causes: the message alone tells.
  return IMMUTABLE_MESSAGE.test(e.message) ? ["(object)"] : [];
}

/** The policy asked for objects to be re-created when an immutable field changes. */
export function recreatesOnImmutableChange(m: KubeObject): boolean {
  return m.metadata.annotations?.[IMMUTABLE_ANNOTATION] === "Recreate";
}

export interface RemoveOptions {
  signal?: AbortSignal;
  /** How long to wait for the object to go (finalizers may hold it). Default 10 s. */
  timeoutMs?: number;
  /** Between reads while waiting. Default 100 ms, doubling up to 1 s. */
  intervalMs?: number;
}

/**
 * Deletes the member's copy of `m` and waits until it is gone (or replaced by one with another
 * uid). False when it is still there after the timeout: it is being deleted, and a later resync
 * applies the manifest again.
 */
export async function deleteAndWait(
  api: MemberObjectApi,
  m: KubeObject,
  o: RemoveOptions = {},
): Promise<boolean> {
  const id = manifestId(m);
  const live = await api.get(id, o.signal);
  if (!live) return true;
  const uid = live.metadata.uid;
  if (!live.metadata.deletionTimestamp) await api.deleteObject(id, { uid, signal: o.signal });
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  let interval = o.intervalMs ?? 100;
  for (;;) {
    const now = await api.get(id, o.signal);
    if (!now || now.metadata.uid !== uid) return true;
    if (Date.now() >= deadline) return false;
    await sleep(interval, undefined, { signal: o.signal });
    interval = Math.min(interval * 2, 1000);
  }
}
