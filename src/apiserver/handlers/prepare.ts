// Server-owned metadata on writes, the way Kubernetes' registry strategies handle it: uid,
// creationTimestamp and generation on create; on update the server-owned fields are carried
// over, generation bumps only when something outside metadata and status changed, and the
// status of kinds with a /status subresource only changes through it.
import { randomBytes, randomUUID } from "node:crypto";
import type { KubeObject } from "../../apis/meta/types.ts";
import { errors } from "../errors.ts";
import { jsonEqual } from "../patch/json-value.ts";
import type { ResourceType } from "../resources/resource-type.ts";

const NAME_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

export function nowRfc3339(): string {
  return `${new Date().toISOString().slice(0, 19)}Z`;
}

export function generatedName(prefix: string): string {
  const bytes = randomBytes(5);
  let s = "";
  for (const b of bytes) s += NAME_SUFFIX_ALPHABET[b % NAME_SUFFIX_ALPHABET.length];
  return `${prefix}${s}`;
}

/** Equal as stored: a field set to undefined is the same as an absent one. */
export function sameJson(a: unknown, b: unknown): boolean {
  return jsonEqual(a ?? null, b ?? null);
}

/** Everything but metadata and status: what generation tracks. */
function specOf(obj: KubeObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  return rest;
}

export function prepareForCreate(rt: ResourceType, obj: KubeObject, namespace: string): KubeObject {
  const m = { ...obj.metadata };
  if (!m.name && m.generateName) m.name = generatedName(m.generateName);
  if (rt.namespaced) m.namespace = namespace;
  else delete m.namespace;
  m.uid = randomUUID();
  m.creationTimestamp = nowRfc3339();
  m.generation = 1;
  delete m.resourceVersion;
  delete m.deletionTimestamp;
  delete m.deletionGracePeriodSeconds;
  const out: KubeObject = { ...obj, metadata: m };
  // As Kubernetes' strategies do, status is not settable on create (Nodes excepted, whose
  // registration carries their status).
  if (rt.subresources.includes("status") && !(rt.group === "" && rt.kind === "Node")) delete out.status;
  return out;
}

export function prepareForUpdate(rt: ResourceType, obj: KubeObject, old: KubeObject): KubeObject {
  const m = { ...obj.metadata };
  const o = old.metadata;
  m.uid = o.uid;
  m.creationTimestamp = o.creationTimestamp;
  if (o.namespace === undefined) delete m.namespace;
  else m.namespace = o.namespace;
  if (o.deletionTimestamp) {
    m.deletionTimestamp = o.deletionTimestamp;
    m.deletionGracePeriodSeconds = o.deletionGracePeriodSeconds;
    const added = (m.finalizers ?? []).filter((f) => !(o.finalizers ?? []).includes(f));
    if (added.length > 0)
      throw errors.invalid(rt.kind, o.name ?? "", rt.group, [
        {
          reason: "FieldValueForbidden",
          field: "metadata.finalizers",
          message: `Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers ${JSON.stringify(added)}`,
        },
      ]);
  } else {
    delete m.deletionTimestamp;
    delete m.deletionGracePeriodSeconds;
  }
  const out: KubeObject = { ...obj, metadata: m };
  if (rt.subresources.includes("status")) {
    if (old.status === undefined) delete out.status;
    else out.status = old.status;
  }
  m.generation = sameJson(specOf(out), specOf(old)) ? (o.generation ?? 1) : (o.generation ?? 1) + 1;
  return out;
}

/** A /status write: the old object with the new status; nothing else changes. */
export function prepareForStatusUpdate(obj: KubeObject, old: KubeObject): KubeObject {
  const out: KubeObject = { ...old, metadata: { ...old.metadata } };
  if (obj.status === undefined) delete out.status;
  else out.status = obj.status;
  return out;
}

/** True when two stored objects differ in anything but resourceVersion and managedFields timestamps. */
export function unchanged(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject) => ({
    ...o,
    metadata: {
      ...o.metadata,
      resourceVersion: undefined,
      managedFields: o.metadata.managedFields?.map((f) => ({ ...f, time: undefined })),
    },
  });
  return sameJson(strip(a), strip(b));
}
