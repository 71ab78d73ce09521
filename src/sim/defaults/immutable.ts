// The update rules of kube-apiserver for fields that may not change once an object exists, one
// validator per kind as each kind's ValidateXxxUpdate (and, for the apps/v1 selectors, its
// registry strategy) has them, worded as upstream words them. A validator sees every write of
// its kind: create (old undefined, nothing to check), update, and /status writes, where spec and
// metadata are the stored ones, so a status write never trips a spec rule. Writes that upstream
// makes through a subresource bypassing these rules (pods/binding) bypass them here too: see
// controllers/binding.ts.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { StatusCause } from "../../apiserver/errors.ts";
import { parseQuantity } from "../quantity.ts";
import {
  FIELD_IS_IMMUTABLE,
  forbidden,
  invalid,
  labelSelector,
  type Release,
  required,
  roleRef,
  same,
  sameMap,
  sameScalar,
  shown,
  specDiff,
  stringMap,
} from "./field-errors.ts";
import { isRec, type Rec } from "./util.ts";

export type Validator = (obj: KubeObject, old: KubeObject | undefined) => StatusCause[];

const rec = (v: unknown): Rec => (isRec(v) ? v : {});
const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const specOf = (o: KubeObject): Rec => rec((o as Rec).spec);
const statusOf = (o: KubeObject): Rec => rec((o as Rec).status);

/** Runs validators in turn, as a strategy appends one error list to another. */
export function allOf(...validators: Validator[]): Validator {
  return (obj, old) => validators.flatMap((v) => v(obj, old));
}

/**
 * Deployment, ReplicaSet, DaemonSet: apps/v1 strategies make spec.selector immutable
 * (ValidateImmutableField: "field is immutable").
 */
export function selectorUnchanged(r: Release): Validator {
  return (obj, old) => {
    if (!old) return [];
    const selector = specOf(obj).selector;
    if (same(selector, specOf(old).selector)) return [];
    return [invalid("spec.selector", shown(r, selector, labelSelector), FIELD_IS_IMMUTABLE)];
  };
}

/**
 * StatefulSet (ValidateStatefulSetUpdate): only replicas, ordinals, template, updateStrategy,
 * persistentVolumeClaimRetentionPolicy, minReadySeconds (and revisionHistoryLimit since 1.33)
 * may change; anything else is one Forbidden on spec.
 */
export function statefulSetSpecFrozen(r: Release): Validator {
  const mutable = [
    "'replicas'",
    ...(r.minor >= 26 ? ["'ordinals'"] : []),
    "'template'",
    "'updateStrategy'",
    ...(r.minor >= 33 ? ["'revisionHistoryLimit'"] : []),
    "'persistentVolumeClaimRetentionPolicy'",
  ];
  const message = `updates to statefulset spec for fields other than ${mutable.join(", ")} and 'minReadySeconds' are forbidden`;
  const names = new Set([...mutable.map((m) => m.slice(1, -1)), "minReadySeconds"]);
  const frozen = (spec: Rec) => Object.fromEntries(Object.entries(spec).filter(([k]) => !names.has(k)));
  return (obj, old) => {
    if (!old || same(frozen(specOf(obj)), frozen(specOf(old)))) return [];
    return [forbidden("spec", message)];
  };
}

/** The template fields a suspended Job that never started may change (JobValidationOptions.AllowMutableSchedulingDirectives). */
function withSchedulingDirectivesOf(oldTemplate: Rec, template: Rec): Rec {
  const out = structuredClone(oldTemplate);
  const spec = rec(template.spec);
  const outSpec = rec(out.spec);
  const affinity = spec.affinity;
  const oldAffinity = outSpec.affinity;
  if (!isRec(affinity) && isRec(oldAffinity)) {
    delete oldAffinity.nodeAffinity;
    if (Object.keys(oldAffinity).length === 0) delete outSpec.affinity;
  } else if (isRec(affinity) && !isRec(oldAffinity)) {
    outSpec.affinity = { nodeAffinity: affinity.nodeAffinity };
  } else if (isRec(affinity) && isRec(oldAffinity)) {
    oldAffinity.nodeAffinity = affinity.nodeAffinity;
  }
  outSpec.nodeSelector = spec.nodeSelector;
  outSpec.tolerations = spec.tolerations;
  outSpec.schedulingGates = spec.schedulingGates;
  out.spec = outSpec;
  const meta = rec(template.metadata);
  out.metadata = { ...rec(out.metadata), labels: meta.labels, annotations: meta.annotations };
  return out;
}

/**
 * Job (ValidateJobSpecUpdate): completions (Indexed Jobs: only in tandem with parallelism),
 * selector, template (a suspended Job that never started may change its scheduling directives,
 * labels and annotations), completionMode, podFailurePolicy, backoffLimitPerIndex, managedBy and
 * successPolicy are immutable. parallelism, suspend, activeDeadlineSeconds, backoffLimit stay free.
 */
export function jobSpecFrozen(r: Release): Validator {
  return (obj, old) => {
    if (!old) return [];
    const spec = specOf(obj);
    const oldSpec = specOf(old);
    const causes: StatusCause[] = [];
    const completions = spec.completions;
    if (!sameScalar(completions, oldSpec.completions)) {
      if (spec.completionMode !== "Indexed" || r.minor < 27)
        causes.push(invalid("spec.completions", shown(r, completions), FIELD_IS_IMMUTABLE));
      else if (completions != null && completions !== spec.parallelism)
        causes.push(
          invalid(
            "spec.completions",
            shown(r, completions),
            "can only be modified in tandem with spec.parallelism",
          ),
        );
    }
    if (!same(spec.selector, oldSpec.selector))
      causes.push(invalid("spec.selector", shown(r, spec.selector, labelSelector), FIELD_IS_IMMUTABLE));
    const template = rec(spec.template);
    const suspendedNeverStarted = oldSpec.suspend === true && statusOf(old).startTime == null;
    const oldTemplate = suspendedNeverStarted
      ? withSchedulingDirectivesOf(rec(oldSpec.template), template)
      : rec(oldSpec.template);
    if (!same(template, oldTemplate))
      causes.push(invalid("spec.template", shown(r, template), FIELD_IS_IMMUTABLE));
    for (const f of [
      "completionMode",
      "podFailurePolicy",
      "backoffLimitPerIndex",
      "managedBy",
      "successPolicy",
    ]) {
      const unchanged =
        isRec(spec[f]) || isRec(oldSpec[f]) ? same(spec[f], oldSpec[f]) : sameScalar(spec[f], oldSpec[f]);
      if (!unchanged) causes.push(invalid(`spec.${f}`, shown(r, spec[f]), FIELD_IS_IMMUTABLE));
    }
    return causes;
  };
}

const WHEN_IMMUTABLE = "field is immutable when `immutable` is set";

/** ConfigMap (ValidateConfigMapUpdate): once `immutable: true`, it and data/binaryData stay. */
export const configMapFrozenWhenImmutable: Validator = (obj, old) => {
  const o = obj as Rec;
  const p = (old ?? {}) as Rec;
  if (!old || p.immutable !== true) return [];
  const causes: StatusCause[] = [];
  if (o.immutable !== true) causes.push(forbidden("immutable", WHEN_IMMUTABLE));
  if (!sameMap(o.data, p.data)) causes.push(forbidden("data", WHEN_IMMUTABLE));
  if (!sameMap(o.binaryData, p.binaryData)) causes.push(forbidden("binaryData", WHEN_IMMUTABLE));
  return causes;
};

/**
 * Secret (ValidateSecretUpdate): type never changes; once `immutable: true`, it and data stay
 * (stringData was folded into data by then, see defaultSecret).
 */
export function secretFrozen(r: Release): Validator {
  return (obj, old) => {
    if (!old) return [];
    const o = obj as Rec;
    const p = old as Rec;
    const causes: StatusCause[] = [];
    if ((o.type ?? "") !== (p.type ?? ""))
      causes.push(invalid("type", shown(r, o.type ?? ""), FIELD_IS_IMMUTABLE));
    if (p.immutable === true) {
      if (o.immutable !== true) causes.push(forbidden("immutable", WHEN_IMMUTABLE));
      if (!sameMap(o.data, p.data)) causes.push(forbidden("data", WHEN_IMMUTABLE));
    }
    return causes;
  };
}

const BETA_STORAGE_CLASS = "volume.beta.kubernetes.io/storage-class";

/** Resource quantities compared by value (1Gi is 1024Mi), as Semantic.DeepEqual compares them. */
function quantitiesByValue(resources: unknown): unknown {
  if (!isRec(resources)) return resources;
  const out: Rec = { ...resources };
  for (const k of ["requests", "limits"])
    if (isRec(out[k]))
      out[k] = Object.fromEntries(Object.entries(out[k] as Rec).map(([n, q]) => [n, parseQuantity(q) ?? q]));
  return out;
}

/**
 * PersistentVolumeClaim (ValidatePersistentVolumeClaimUpdate): the spec is immutable but for
 * volumeName set once (the PV controller's binding), storageClassName set from nil (or from the
 * beta annotation), and, on a Bound claim, resources.requests.storage and
 * volumeAttributesClassName; storage may not shrink; volumeMode is immutable.
 */
export function persistentVolumeClaimSpecFrozen(r: Release): Validator {
  const message =
    r.minor >= 29
      ? "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"
      : "spec is immutable after creation except resources.requests for bound claims";
  return (obj, old) => {
    if (!old) return [];
    const spec = specOf(obj);
    const oldSpec = specOf(old);
    const annotations = obj.metadata.annotations ?? {};
    const oldAnnotations = old.metadata.annotations ?? {};
    // A /status write carries the stored spec over: nothing to compare.
    if (spec === oldSpec && annotations[BETA_STORAGE_CLASS] === oldAnnotations[BETA_STORAGE_CLASS]) return [];
    const causes: StatusCause[] = [];
    const next = structuredClone(spec);
    const prev = structuredClone(oldSpec);
    if (!oldSpec.volumeName) prev.volumeName = next.volumeName;
    const oldBeta = oldAnnotations[BETA_STORAGE_CLASS];
    const newBeta = annotations[BETA_STORAGE_CLASS];
    const fromAnnotation =
      oldBeta !== undefined &&
      oldSpec.storageClassName == null &&
      spec.storageClassName != null &&
      spec.storageClassName === oldBeta &&
      (newBeta === undefined || newBeta === oldBeta);
    if (fromAnnotation) delete next.storageClassName;
    else {
      if ((newBeta ?? "") !== (oldBeta ?? ""))
        causes.push(
          invalid(`metadata.annotations.${BETA_STORAGE_CLASS}`, shown(r, newBeta ?? ""), FIELD_IS_IMMUTABLE),
        );
      const fromNil =
        spec.storageClassName != null &&
        oldSpec.storageClassName == null &&
        (oldBeta === undefined || spec.storageClassName === oldBeta);
      if (fromNil) next.storageClassName = prev.storageClassName;
    }
    const bound = statusOf(obj).phase === "Bound";
    const requests = rec(next.resources).requests;
    if (bound && isRec(requests)) {
      const oldStorage = rec(rec(oldSpec.resources).requests).storage;
      if (oldStorage === undefined) delete requests.storage;
      else requests.storage = oldStorage;
    }
    if (bound && next.volumeAttributesClassName != null)
      next.volumeAttributesClassName = prev.volumeAttributesClassName;
    const byValue = (s: Rec) => ({ ...s, resources: quantitiesByValue(s.resources) });
    if (!same(byValue(next), byValue(prev)))
      causes.push(forbidden("spec", `${message}\n${specDiff("core.PersistentVolumeClaimSpec", prev, next)}`));

    const size = parseQuantity(rec(rec(spec.resources).requests).storage) ?? 0;
    const oldSize = parseQuantity(rec(rec(oldSpec.resources).requests).storage) ?? 0;
    if (size < oldSize) {
      // RecoverVolumeExpansionFailure (on by default since 1.32) allows shrinking back toward
      // what the volume really has.
      if (r.minor < 32)
        causes.push(
          forbidden("spec.resources.requests.storage", "field can not be less than previous value"),
        );
      else if (size <= (parseQuantity(rec(statusOf(old).capacity).storage) ?? 0))
        causes.push(
          forbidden("spec.resources.requests.storage", "field can not be less than status.capacity"),
        );
    }
    // Upstream's path for this one is "volumeMode", not "spec.volumeMode".
    if (!sameScalar(spec.volumeMode, oldSpec.volumeMode))
      causes.push(invalid("volumeMode", shown(r, spec.volumeMode), FIELD_IS_IMMUTABLE));
    const vac = spec.volumeAttributesClassName;
    const oldVac = oldSpec.volumeAttributesClassName;
    if (!sameScalar(vac, oldVac)) {
      const field = "spec.volumeAttributesClassName";
      // The VolumeAttributesClass gate is off by default until it went GA in 1.34.
      if (r.minor < 34)
        causes.push(
          forbidden(field, "update is forbidden when the VolumeAttributesClass feature gate is disabled"),
        );
      else if (oldVac != null && vac == null)
        causes.push(forbidden(field, "update from non-nil value to nil is forbidden"));
      else if (oldVac != null && vac === "")
        causes.push(forbidden(field, "update from non-nil value to an empty string is forbidden"));
    }
    return causes;
  };
}

const UPDATABLE_POD_FIELDS = [
  "`spec.containers[*].image`",
  "`spec.initContainers[*].image`",
  "`spec.activeDeadlineSeconds`",
  "`spec.tolerations` (only additions to existing tolerations)",
  "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)",
];

/** The list in "pod updates may not change fields other than ...", as each release joins it. */
function updatablePodFields(r: Release): string {
  if (r.minor >= 27) return UPDATABLE_POD_FIELDS.join(",");
  return `${UPDATABLE_POD_FIELDS.slice(0, -1).join(", ")} or ${UPDATABLE_POD_FIELDS.at(-1)}`;
}

const MAX_INT32 = 2147483647;

/** A toleration as reflect.DeepEqual compares it, tolerationSeconds aside. */
const tolerationIdentity = (t: unknown) => {
  const x = rec(t);
  return JSON.stringify([x.key ?? "", x.operator ?? "", x.value ?? "", x.effect ?? ""]);
};

/**
 * Pod (ValidatePodUpdate): no containers added or removed; of the spec only container images,
 * activeDeadlineSeconds (set, or lowered), tolerations (added to, or their tolerationSeconds),
 * schedulingGates (removed), terminationGracePeriodSeconds (negative to 1) and, while the pod is
 * gated, nodeSelector additions may change; anything else is one Forbidden on spec. Binding a
 * pod to a node (spec.nodeName) is pods/binding's business, not an update's.
 */
export function podSpecFrozen(r: Release): Validator {
  return (obj, old) => {
    const spec = specOf(obj);
    const oldSpec = old ? specOf(old) : undefined;
    // Nothing to compare on create, nor on a /status write (the stored spec carried over).
    if (!oldSpec || spec === oldSpec) return [];
    const causes: StatusCause[] = [];
    for (const key of ["containers", "initContainers"]) {
      const containers = list(spec[key]);
      if (containers.length !== list(oldSpec[key]).length) {
        causes.push(forbidden(`spec.${key}`, "pod updates may not add or remove containers"));
        return causes;
      }
      containers.forEach((c, i) => {
        const image = rec(c).image;
        if (typeof image !== "string" || image === "") causes.push(required(`spec.${key}[${i}].image`));
        else if (image.trim() !== image)
          causes.push(
            invalid(
              `spec.${key}[${i}].image`,
              shown(r, image),
              "must not have leading or trailing whitespace",
            ),
          );
      });
    }

    const deadline = spec.activeDeadlineSeconds;
    const oldDeadline = oldSpec.activeDeadlineSeconds;
    if (typeof deadline === "number") {
      if (deadline < 0 || deadline > MAX_INT32) {
        causes.push(
          invalid(
            "spec.activeDeadlineSeconds",
            shown(r, deadline),
            `must be between 0 and ${MAX_INT32}, inclusive`,
          ),
        );
        return causes;
      }
      if (typeof oldDeadline === "number" && oldDeadline < deadline) {
        causes.push(
          invalid(
            "spec.activeDeadlineSeconds",
            shown(r, deadline),
            "must be less than or equal to previous value",
          ),
        );
        return causes;
      }
    } else if (oldDeadline != null)
      causes.push(
        invalid(
          "spec.activeDeadlineSeconds",
          shown(r, null),
          "must not update from a positive integer to nil value",
        ),
      );

    const tolerations = new Set(list(spec.tolerations).map(tolerationIdentity));
    if (list(oldSpec.tolerations).some((t) => !tolerations.has(tolerationIdentity(t))))
      causes.push(
        forbidden("spec.tolerations", "existing toleration can not be modified except its tolerationSeconds"),
      );

    const oldGates = new Set(list(oldSpec.schedulingGates).map((g) => rec(g).name));
    list(spec.schedulingGates).forEach((g, i) => {
      const name = rec(g).name;
      if (!oldGates.has(name))
        causes.push(
          forbidden(
            `spec.schedulingGates[${i}].name`,
            `only deletion is allowed, but found new scheduling gate '${name}'`,
          ),
        );
    });

    if (same(spec, oldSpec)) return causes;
    const munged = structuredClone(spec);
    for (const key of ["containers", "initContainers"])
      if (Array.isArray(munged[key]))
        munged[key] = (munged[key] as unknown[]).map((c, i) => ({
          ...rec(c),
          image: rec(list(oldSpec[key])[i]).image,
        }));
    munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
    munged.schedulingGates = oldSpec.schedulingGates;
    munged.tolerations = oldSpec.tolerations;
    const grace = oldSpec.terminationGracePeriodSeconds;
    if (typeof grace === "number" && grace < 0 && munged.terminationGracePeriodSeconds === 1)
      munged.terminationGracePeriodSeconds = grace;
    if (oldGates.size > 0 && !same(munged.nodeSelector, oldSpec.nodeSelector)) {
      // A gated pod may gain nodeSelector entries, not lose or change them.
      const selector = rec(munged.nodeSelector);
      if (Object.entries(rec(oldSpec.nodeSelector)).some(([k, v]) => selector[k] !== v))
        causes.push(
          invalid(
            "spec.nodeSelector",
            shown(r, munged.nodeSelector ?? null, stringMap),
            "only additions to spec.nodeSelector are allowed (no mutations or deletions)",
          ),
        );
      munged.nodeSelector = oldSpec.nodeSelector;
    }
    if (!same(munged, oldSpec))
      causes.push(
        forbidden(
          "spec",
          `pod updates may not change fields other than ${updatablePodFields(r)}\n${specDiff("core.PodSpec", oldSpec, munged)}`,
        ),
      );
    return causes;
  };
}

/** RoleBinding and ClusterRoleBinding (ValidateRoleBindingUpdate): roleRef never changes. */
export function roleRefUnchanged(r: Release): Validator {
  return (obj, old) => {
    if (!old) return [];
    const ref = rec((obj as Rec).roleRef);
    const oldRef = rec((old as Rec).roleRef);
    const unchanged = ["apiGroup", "kind", "name"].every((k) => (ref[k] ?? "") === (oldRef[k] ?? ""));
    return unchanged ? [] : [invalid("roleRef", shown(r, ref, roleRef), "cannot change roleRef")];
  };
}

/** StorageClass (ValidateStorageClassUpdate): parameters, provisioner, reclaimPolicy, volumeBindingMode. */
export function storageClassFrozen(r: Release): Validator {
  return (obj, old) => {
    if (!old) return [];
    const o = obj as Rec;
    const p = old as Rec;
    const causes: StatusCause[] = [];
    if (!sameMap(o.parameters, p.parameters))
      causes.push(forbidden("parameters", "updates to parameters are forbidden."));
    if ((o.provisioner ?? "") !== (p.provisioner ?? ""))
      causes.push(forbidden("provisioner", "updates to provisioner are forbidden."));
    if (!sameScalar(o.reclaimPolicy, p.reclaimPolicy))
      causes.push(forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden."));
    if (!sameScalar(o.volumeBindingMode, p.volumeBindingMode))
      causes.push(invalid("volumeBindingMode", shown(r, o.volumeBindingMode), FIELD_IS_IMMUTABLE));
    return causes;
  };
}

/** Every rule above for one release, by group/kind as defaults/index.ts keys its hooks. */
export function immutableFieldRules(r: Release): Record<string, Validator> {
  const selector = selectorUnchanged(r);
  const roleRefRule = roleRefUnchanged(r);
  return {
    "/Pod": podSpecFrozen(r),
    "/ConfigMap": configMapFrozenWhenImmutable,
    "/Secret": secretFrozen(r),
    "/PersistentVolumeClaim": persistentVolumeClaimSpecFrozen(r),
    "apps/Deployment": selector,
    "apps/ReplicaSet": selector,
    "apps/DaemonSet": selector,
    "apps/StatefulSet": statefulSetSpecFrozen(r),
    "batch/Job": jobSpecFrozen(r),
    "rbac.authorization.k8s.io/RoleBinding": roleRefRule,
    "rbac.authorization.k8s.io/ClusterRoleBinding": roleRefRule,
    "storage.k8s.io/StorageClass": storageClassFrozen(r),
  };
}
