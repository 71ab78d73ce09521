// Test support for the immutable-field rules: a kind's ResourceType for a Kubernetes version, an
// object as a create stores it, and an update's outcome (the 422's causes, or the error itself),
// through the same defaulting and validation a write to a simulated cluster gets.
import assert from "node:assert/strict";
import type { KubeObject } from "../../apis/meta/types.ts";
import { ApiError, type StatusCause } from "../../apiserver/errors.ts";
import type { ResourceType } from "../../apiserver/resources/resource-type.ts";
import { validateObject } from "../../apiserver/validation/object.ts";
import { ServiceAllocator, simResourceTypes } from "./index.ts";
// biome-ignore lint/suspicious/noExplicitAny: fixtures are untyped JSON, as clients send them
export type Any = Record<string, any>;

const types = new Map<string, ResourceType[]>();
export function typeOf(group: string, kind: string, version = "v1.29.4"): ResourceType {
  if (!types.has(version)) types.set(version, simResourceTypes(new ServiceAllocator(), version));
  const rt = types.get(version)!.find((t) => t.group === group && t.kind === kind);
  assert.ok(rt, `${group}/${kind}`);
  return rt;
}

/** The object as a create stores it: defaulted and validated. */
export function stored(rt: ResourceType, obj: Any): Any {
  const o = structuredClone(obj) as KubeObject;
  o.metadata.uid ??= "0b6f7a9c-1111-4222-8333-444455556666";
  validateObject(rt, o, undefined, "Ignore");
  return o as Any;
}

/** An update of `old` to `next`: the causes of the 422, [] when it is accepted. */
export function causesOf(rt: ResourceType, next: Any, old: Any): StatusCause[] {
  try {
    validateObject(rt, structuredClone(next) as KubeObject, old as KubeObject, "Ignore");
    return [];
  } catch (e) {
    assert.ok(e instanceof ApiError && e.reason === "Invalid", String(e));
    assert.equal(e.code, 422);
    return e.details?.causes ?? [];
  }
}

export function rejected(rt: ResourceType, next: Any, old: Any): ApiError {
  try {
    validateObject(rt, structuredClone(next) as KubeObject, old as KubeObject, "Ignore");
  } catch (e) {
    if (e instanceof ApiError) return e;
    throw e;
  }
  assert.fail("the update was accepted");
}

export const edit = (o: Any, change: (x: Any) => void): Any => {
  const x = structuredClone(o);
  change(x);
  return x;
};

export const meta = (name: string, extra: Any = {}) => ({ name, namespace: "default", ...extra });
export const podTemplate = (app: string, image = "nginx:1.25") => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: "web", image }] },
});
