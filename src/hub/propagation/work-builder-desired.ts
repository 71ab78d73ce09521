// What one cluster should hold now: every binding that names it contributes its template,
// rendered for the cluster (its Divided share, its overrides) and marked as MCP's. A binding that
// cannot contribute something new keeps what the cluster already has from it: while dispatching
// is suspended, while the cluster is only being evicted (failover: the old copy stays until the
// scheduler lets it go), and when an override fails (reported, never a half-overridden manifest).
import type { KubeObject } from "../../apis/meta/types.ts";
import { bindingRef, bindingSpec, orphansOnRemoval } from "../../propagation/binding-spec.ts";
import { BINDING_ANNOTATION, manifestKey } from "../../propagation/identity.ts";
import { applyOverrides } from "../../propagation/overrides.ts";
import { markManifest, renderTemplate } from "../../propagation/render.ts";

export interface DesiredInput {
  cluster: KubeObject;
  /** The bindings delivering to this cluster. */
  bindings: readonly KubeObject[];
  template(ref: {
    apiVersion: string;
    kind: string;
    namespace?: string;
    name: string;
  }): KubeObject | undefined;
  overridePolicies: readonly KubeObject[];
  /** The manifests the cluster's Work holds now, by key. */
  previous: ReadonlyMap<string, KubeObject>;
}

export interface Desired {
  manifests: Map<string, KubeObject>;
  /** Override failures by binding ref (only bindings that have one). */
  failures: Map<string, string>;
  /** Refs of contributing bindings whose objects are orphaned on removal. */
  preserve: Set<string>;
}

export function desiredManifests(input: DesiredInput): Desired {
  const name = input.cluster.metadata.name!;
  const out: Desired = { manifests: new Map(), failures: new Map(), preserve: new Set() };
  for (const b of input.bindings) {
    const ref = bindingRef(b);
    const spec = bindingSpec(b);
    const key = manifestKey(spec.resource);
    const keep = () => {
      const prev = input.previous.get(key);
      if (prev && prev.metadata.annotations?.[BINDING_ANNOTATION] === ref) out.manifests.set(key, prev);
    };
    if (orphansOnRemoval(b)) out.preserve.add(ref);
    const target = spec.clusters.find((c) => c.name === name);
    if (!target || spec.suspendDispatching) {
      keep();
      continue;
    }
    const template = input.template(spec.resource);
    if (!template || template.metadata.deletionTimestamp) continue;
    let m: KubeObject;
    try {
      m = applyOverrides(renderTemplate(template, target.replicas), input.cluster, input.overridePolicies);
    } catch (e) {
      out.failures.set(ref, (e as Error).message);
      keep();
      continue;
    }
    out.manifests.set(
      key,
      markManifest(m, {
        binding: ref,
        conflictResolution: spec.conflictResolution,
        retainFields: spec.retainFields,
        immutableFieldChange: spec.immutableFieldChange,
      }),
    );
  }
  return out;
}
