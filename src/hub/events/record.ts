// Writes core/v1 Events about hub objects (cluster condition transitions and joins, scheduling,
// sync failures, status aggregation), with the counting of Kubernetes' event logger: a repeat of
// the same event (same object, type, reason and message) bumps count and lastTimestamp on one
// Event instead of creating another. The Event's name is derived from those fields, so repeats
// find it again after a hub restart and on any replica without a cache. An event combined from
// similar ones (correlator.ts) is named without its message and takes the latest message on each
// bump. Events about cluster-scoped objects go to "default", as Kubernetes puts them.
import { createHash } from "node:crypto";
import { hostname } from "node:os";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";

export type EventType = "Normal" | "Warning";

export interface EventSpec {
  /** The object the event is about (a stored object: its uid ties the event to this incarnation). */
  involved: Pick<KubeObject, "apiVersion" | "kind" | "metadata">;
  type: EventType;
  /** UpperCamelCase, e.g. ClusterReady. */
  reason: string;
  message: string;
  /** The reporting component, e.g. "cluster-health-controller". */
  component: string;
  /**
   * One Event for every message of this object, type and reason (the correlator sets it once
   * similar events keep coming): it is named without the message and each repeat replaces it.
   */
  combined?: boolean;
}

/** Kubernetes caps event messages; long error texts are cut here rather than rejected. */
const MAX_MESSAGE = 1024;
const EVENT_NAMESPACE_FOR_CLUSTER_SCOPED = "default";
const instance = hostname();

/** What makes events similar: the same object, type, reason and reporting component. */
export function similarKey(spec: EventSpec): string {
  const m = spec.involved.metadata;
  return [
    m.uid ?? "",
    spec.involved.kind,
    m.namespace ?? "",
    m.name,
    spec.type,
    spec.reason,
    spec.component,
  ].join("\0");
}

export function eventName(spec: EventSpec): string {
  const m = spec.involved.metadata;
  const digest = createHash("sha256")
    .update(`${similarKey(spec)}\0${spec.combined ? "\0combined" : spec.message}`)
    .digest("hex")
    .slice(0, 16);
  // Object names may be up to 253 characters; the suffix must survive.
  return `${(m.name ?? "object").slice(0, 253 - 17)}.${digest}`;
}

/** Creates the event, or bumps the count of an identical one. Returns the stored Event. */
export async function recordEvent(
  client: InternalClient,
  spec: EventSpec,
  now: Date = new Date(),
): Promise<KubeObject> {
  const message =
    spec.message.length > MAX_MESSAGE ? `${spec.message.slice(0, MAX_MESSAGE - 3)}...` : spec.message;
  const full = { ...spec, message };
  const ref = {
    apiVersion: "v1",
    kind: "Event",
    namespace: spec.involved.metadata.namespace || EVENT_NAMESPACE_FOR_CLUSTER_SCOPED,
    name: eventName(full),
  };
  const stamp = `${now.toISOString().slice(0, 19)}Z`;
  const bump = (e: KubeObject): KubeObject => ({
    ...e,
    count: ((e.count as number) ?? 1) + 1,
    lastTimestamp: stamp,
    ...(spec.combined ? { message } : {}),
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    const bumped = await client.mutate(ref, bump);
    if (bumped) return bumped;
    try {
      return await client.create(newEvent(ref, full, stamp));
    } catch (e) {
      // Another writer created it between our read and create: bump theirs.
      if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
    }
  }
  throw new Error(`could not record event ${ref.namespace}/${ref.name}`);
}

function newEvent(ref: { namespace: string; name: string }, spec: EventSpec, stamp: string): KubeObject {
  const m = spec.involved.metadata;
  return {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name: ref.name, namespace: ref.namespace },
    involvedObject: {
      apiVersion: spec.involved.apiVersion,
      kind: spec.involved.kind,
      name: m.name,
      ...(m.namespace ? { namespace: m.namespace } : {}),
      ...(m.uid ? { uid: m.uid } : {}),
      ...(m.resourceVersion ? { resourceVersion: m.resourceVersion } : {}),
    },
    reason: spec.reason,
    message: spec.message,
    type: spec.type,
    count: 1,
    firstTimestamp: stamp,
    lastTimestamp: stamp,
    source: { component: spec.component },
    reportingComponent: spec.component,
    reportingInstance: instance,
  };
}
