// core/v1 Events as a real cluster stores them. Controllers and kubelets use client-go's
// record.EventRecorder (source, count, first/lastTimestamp, reportingComponent copied from the
// source); the scheduler uses the events.k8s.io recorder, whose events read as core/v1 with an
// eventTime, an action, a reportingInstance and no source or count.
import type { KubeObject } from "../../apis/meta/types.ts";

export type EventType = "Normal" | "Warning";

/** What a component reports about an object. */
export interface EventInfo {
  type?: EventType;
  reason: string;
  message: string;
  /** source.component / reportingController, e.g. "deployment-controller", "kubelet". */
  component: string;
  /** source.host: the kubelet's node. */
  host?: string;
  /** e.g. "spec.containers{app}" for a container's events. */
  fieldPath?: string;
  /**
   * Set for the events.k8s.io recorder (the scheduler's "Binding", "Scheduling"), with its
   * reportingInstance; such events carry eventTime and series instead of timestamps and count.
   */
  action?: string;
  reportingInstance?: string;
}

export interface ObjectReference {
  kind: string;
  namespace?: string;
  name: string;
  uid?: string;
  apiVersion: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** ref.GetReference: the object an event is about. */
export function referenceTo(obj: KubeObject, fieldPath?: string): ObjectReference {
  const m = obj.metadata;
  const ref: ObjectReference = { kind: obj.kind, name: m.name ?? "", apiVersion: obj.apiVersion };
  if (m.namespace) ref.namespace = m.namespace;
  if (m.uid) ref.uid = m.uid;
  if (m.resourceVersion) ref.resourceVersion = m.resourceVersion;
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

/** metav1.Time: RFC 3339 at second precision. */
export const rfc3339 = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;
/** metav1.MicroTime: RFC 3339 with microseconds. */
export const microTime = (ms: number) => `${new Date(ms).toISOString().slice(0, 23)}000Z`;

/** A new event (count 1) named `name`, stored in the object's namespace ("default" if none). */
export function newEvent(
  name: string,
  regarding: ObjectReference,
  info: EventInfo,
  nowMs: number,
): KubeObject {
  const base = {
    apiVersion: "v1",
    kind: "Event",
    metadata: { name, namespace: regarding.namespace || "default" },
    involvedObject: regarding,
    reason: info.reason,
    message: info.message,
    type: info.type ?? "Normal",
  };
  if (info.action !== undefined)
    return {
      ...base,
      source: {},
      firstTimestamp: null,
      lastTimestamp: null,
      eventTime: microTime(nowMs),
      action: info.action,
      reportingComponent: info.component,
      reportingInstance: info.reportingInstance ?? "",
    };
  const t = rfc3339(nowMs);
  return {
    ...base,
    source: info.host ? { component: info.component, host: info.host } : { component: info.component },
    firstTimestamp: t,
    lastTimestamp: t,
    count: 1,
    eventTime: null,
    reportingComponent: info.component,
    reportingInstance: info.host ?? "",
  };
}

/** The fields a repeat changes: count and lastTimestamp, or the series of an events.k8s.io event. */
export function repeated(event: KubeObject, count: number, message: string, nowMs: number): KubeObject {
  if (event.eventTime) return { ...event, message, series: { count, lastObservedTime: microTime(nowMs) } };
  return { ...event, message, count, lastTimestamp: rfc3339(nowMs) };
}
