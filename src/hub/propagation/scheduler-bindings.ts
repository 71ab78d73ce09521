// Writing the scheduler's decisions: a ResourceBinding's spec, owner reference and template-uid
// label (created when absent; other labels are left alone), then its Scheduled condition, schedulerObservedGeneration and lastScheduledTime through
// the status subresource — leaving everything the status aggregator writes (aggregatedStatus,
// FullyApplied) as it is. Each write re-reads the binding and retries on conflicts, and nothing
// is written when the stored binding already says the same, so re-deciding without a change
// costs no write (and wakes no Work builder).
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient, ObjectRef } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import { sameJson } from "../../apiserver/handlers/prepare.ts";
import type { Requirer } from "../../propagation/binding.ts";
import type { ClusterObjectStatus, GracefulEviction } from "../../propagation/failover.ts";
import { type ManifestId, manifestKey, TEMPLATE_UID_LABEL } from "../../propagation/identity.ts";
import type { TargetCluster } from "../../propagation/replicas.ts";
import type { CurrentBinding, ScheduledCondition } from "../../propagation/schedule.ts";
import { applyConditions, type Condition, findCondition } from "../clusters/conditions.ts";

export const SCHEDULED = "Scheduled";

interface BindingStatus {
  conditions?: Condition[];
  schedulerObservedGeneration?: number;
  lastScheduledTime?: string;
  [field: string]: unknown;
}

export const bindingRefOf = (namespace: string, name: string): ObjectRef => ({
  apiVersion: API_VERSION,
  kind: "ResourceBinding",
  namespace,
  name,
});

function sameSpec(stored: KubeObject, desired: KubeObject): boolean {
  return (
    sameJson(stored.spec, desired.spec) &&
    sameJson(stored.metadata.ownerReferences, desired.metadata.ownerReferences) &&
    stored.metadata.labels?.[TEMPLATE_UID_LABEL] === desired.metadata.labels?.[TEMPLATE_UID_LABEL]
  );
}

function sameStatus(stored: KubeObject, condition: ScheduledCondition): boolean {
  const status = (stored.status ?? {}) as BindingStatus;
  const c = findCondition(status.conditions, SCHEDULED);
  return (
    c?.status === condition.status &&
    c.reason === condition.reason &&
    c.message === condition.message &&
    c.observedGeneration === stored.metadata.generation &&
    status.schedulerObservedGeneration === stored.metadata.generation
  );
}

/** True when `stored` already carries this decision (spec, owner and Scheduled condition). */
export function bindingUpToDate(
  stored: KubeObject | undefined,
  desired: KubeObject,
  condition: ScheduledCondition,
): boolean {
  return !!stored && sameSpec(stored, desired) && sameStatus(stored, condition);
}

const rfc3339 = (ms: number) => `${new Date(ms).toISOString().slice(0, 19)}Z`;

export class BindingWriter {
  private readonly client: InternalClient;
  private readonly now: () => number;

  constructor(client: InternalClient, now: () => number) {
    this.client = client;
    this.now = now;
  }

  /** Stores the binding's spec and its Scheduled condition; returns the stored binding. */
  async write(desired: KubeObject, condition: ScheduledCondition): Promise<KubeObject> {
    const ref = bindingRefOf(desired.metadata.namespace!, desired.metadata.name!);
    const change = (current: KubeObject) => {
      if (sameSpec(current, desired)) return undefined;
      current.spec = structuredClone(desired.spec);
      current.metadata.ownerReferences = structuredClone(desired.metadata.ownerReferences);
      current.metadata.labels = { ...current.metadata.labels, ...desired.metadata.labels };
      return current;
    };
    let stored = await this.client.mutate(ref, change);
    if (!stored) {
      try {
        stored = await this.client.create(desired);
      } catch (e) {
        if (!(e instanceof ApiError && e.reason === "AlreadyExists")) throw e;
        stored = await this.client.mutate(ref, change);
        if (!stored) throw e;
      }
    }
    if (sameStatus(stored, condition)) return stored;
    const now = rfc3339(this.now());
    const updated = await this.client.mutate(
      ref,
      (current) => {
        if (sameStatus(current, condition)) return undefined;
        const status = (current.status ?? {}) as BindingStatus;
        const generation = current.metadata.generation;
        const { conditions } = applyConditions(
          status.conditions,
          [{ type: SCHEDULED, ...condition }],
          now,
          generation,
        );
        const rescheduled = status.schedulerObservedGeneration !== generation;
        current.status = {
          ...status,
          conditions,
          ...(generation !== undefined ? { schedulerObservedGeneration: generation } : {}),
          ...(rescheduled || !status.lastScheduledTime ? { lastScheduledTime: now } : {}),
        };
        return current;
      },
      { status: true },
    );
    return updated ?? stored;
  }

  async remove(namespace: string, name: string): Promise<void> {
    await this.client.delete(bindingRefOf(namespace, name));
  }
}

/**
 * The ResourceBindings the scheduler knows, by namespace/name, and which one binds each template
 * (by spec.resource): how a template's binding is found, whatever its name.
 */
export class BindingCache {
  private readonly byKey = new Map<string, KubeObject>();
  private readonly byTemplate = new Map<string, string>();

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): KubeObject | undefined {
    return this.byKey.get(key);
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  values(): IterableIterator<KubeObject> {
    return this.byKey.values();
  }

  [Symbol.iterator](): IterableIterator<[string, KubeObject]> {
    return this.byKey.entries();
  }

  /** namespace/name of the binding of this template key, if one is known. */
  ofTemplate(templateKey: string): string | undefined {
    return this.byTemplate.get(templateKey);
  }

  set(key: string, b: KubeObject): void {
    this.unindex(key);
    this.byKey.set(key, b);
    this.byTemplate.set(bindingResourceKey(b), key);
  }

  delete(key: string): boolean {
    this.unindex(key);
    return this.byKey.delete(key);
  }

  private unindex(key: string): void {
    const prev = this.byKey.get(key);
    if (prev && this.byTemplate.get(bindingResourceKey(prev)) === key)
      this.byTemplate.delete(bindingResourceKey(prev));
  }
}

export const rv = (o: KubeObject | undefined) => Number(o?.metadata.resourceVersion ?? 0);

/** The manifestKey of a binding's template. */
export const bindingResourceKey = (b: KubeObject) =>
  manifestKey((b.spec as { resource: ManifestId }).resource);

/** namespace/name. */
export const bindingKeyOf = (b: KubeObject) => `${b.metadata.namespace ?? ""}/${b.metadata.name}`;

export const aggregatedStatus = (b: KubeObject | undefined) =>
  (b?.status as { aggregatedStatus?: ClusterObjectStatus[] } | undefined)?.aggregatedStatus;

/** The binding as the scheduler left it, if it is still the binding of this very template (same uid). */
export function currentBinding(b: KubeObject | undefined, templateUid: string): CurrentBinding | undefined {
  const spec = b?.spec as
    | { resource?: { uid?: string }; clusters?: TargetCluster[]; gracefulEvictions?: GracefulEviction[] }
    | undefined;
  if (!spec || spec.resource?.uid !== templateUid) return undefined;
  return {
    clusters: spec.clusters ?? [],
    evictions: spec.gracefulEvictions ?? [],
    aggregatedStatus: aggregatedStatus(b) ?? [],
  };
}

/** The Scheduled condition of a binding that is there only because templates require its object. */
export function dependencyCondition(requirers: readonly Requirer[]): ScheduledCondition {
  const names = requirers.map(
    (r) => `${r.ref.kind} ${r.ref.namespace ? `${r.ref.namespace}/` : ""}${r.ref.name}`,
  );
  const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? ` and ${names.length - 3} more` : "");
  return { status: "True", reason: "Success", message: `follows the clusters of ${shown}` };
}
