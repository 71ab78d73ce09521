// The kinds a simulated cluster serves: Kubernetes' built-in kinds with Kubernetes' defaulting
// (and the validations clients rely on, the immutable-field update rules among them) plugged in
// as ResourceType hooks, plus what only a cluster serves: autoscaling/v1 HorizontalPodAutoscalers
// (converted to and from the stored v2), the pods/eviction subresource and the metrics.k8s.io
// kinds of the simulated metrics-server (metrics/api.ts serves them). The hook-carrying
// types are built once per Kubernetes minor (validation messages differ between releases) and
// shared by every cluster of it; only Services, whose allocator is per cluster, get a type
// object of their own.
import type { KubeObject } from "../../apis/meta/types.ts";
import { builtinResourceTypes } from "../../apiserver/resources/builtin.ts";
import { hpaV1Conversion } from "../../apiserver/resources/conversion/hpa.ts";
import type { ResourceHooks, ResourceType } from "../../apiserver/resources/resource-type.ts";
import { metricsResourceTypes } from "../metrics/api.ts";
import { DEFAULT_PROFILE } from "../profile.ts";
import { defaultHpaV1, defaultHpaV2 } from "./autoscaling.ts";
import { defaultEndpoints, defaultNamespace, defaultNode, defaultSecret } from "./core.ts";
import { type Release, releaseOf } from "./field-errors.ts";
import { allOf, immutableFieldRules } from "./immutable.ts";
import { defaultPod } from "./pod.ts";
import { type ServiceAllocator, serviceDefaulter, serviceValidator } from "./service.ts";
import { defaultPersistentVolume, defaultPersistentVolumeClaim, defaultStorageClass } from "./storage.ts";
import {
  defaultCronJob,
  defaultDaemonSet,
  defaultDeployment,
  defaultJob,
  defaultReplicaSet,
  defaultStatefulSet,
  validateJob,
} from "./workloads.ts";

export { ServiceAllocator } from "./service.ts";

type Defaulter = (obj: KubeObject) => void;

/** group/kind (or group/version/kind) → hooks, for every kind with hooks besides Service. */
function hooksFor(r: Release): Record<string, ResourceHooks> {
  const frozen = immutableFieldRules(r);
  const hooks: Record<string, ResourceHooks> = {
    "/Namespace": { default: defaultNamespace },
    "/Pod": { default: defaultPod },
    "/Secret": { default: defaultSecret },
    "/Endpoints": { default: defaultEndpoints },
    "/Node": { default: defaultNode },
    "/PersistentVolumeClaim": { default: defaultPersistentVolumeClaim },
    "/PersistentVolume": { default: defaultPersistentVolume },
    "storage.k8s.io/StorageClass": { default: defaultStorageClass },
    "apps/Deployment": { default: defaultDeployment },
    "apps/ReplicaSet": { default: defaultReplicaSet },
    "apps/StatefulSet": { default: defaultStatefulSet },
    "apps/DaemonSet": { default: defaultDaemonSet },
    "batch/Job": { default: defaultJob as Defaulter, validate: validateJob },
    "batch/CronJob": { default: defaultCronJob },
    "autoscaling/v2/HorizontalPodAutoscaler": { default: defaultHpaV2 },
    "autoscaling/v1/HorizontalPodAutoscaler": { default: defaultHpaV1 },
  };
  for (const [key, rule] of Object.entries(frozen)) {
    const h = hooks[key] ?? {};
    hooks[key] = { ...h, validate: h.validate ? allOf(h.validate, rule) : rule };
  }
  return hooks;
}

const hooksOf = (hooks: Record<string, ResourceHooks>, t: ResourceType) =>
  hooks[`${t.group}/${t.version}/${t.kind}`] ?? hooks[`${t.group}/${t.kind}`];

/** autoscaling/v1 beside v2 (registered after it, so v2 stays the preferred version). */
function hpaV1(types: ResourceType[]): ResourceType[] {
  const v2 = types.find((t) => t.group === "autoscaling" && t.kind === "HorizontalPodAutoscaler");
  return v2 ? [{ ...v2, version: "v1", conversion: hpaV1Conversion }] : [];
}

/** A cluster's pods can be evicted (policy/v1 Eviction, served by src/sim/eviction.ts). */
const withEviction = (t: ResourceType): ResourceType =>
  t.group === "" && t.kind === "Pod" ? { ...t, subresources: [...t.subresources, "eviction"] } : t;

/** The hook-carrying types of each Kubernetes minor, built on first use. */
const shared = new Map<number, ResourceType[]>();

function sharedTypes(r: Release): ResourceType[] {
  let types = shared.get(r.minor);
  if (!types) {
    const hooks = hooksFor(r);
    const builtin = builtinResourceTypes();
    types = [...builtin, ...hpaV1(builtin), ...metricsResourceTypes()].map((t) => {
      const h = hooksOf(hooks, t);
      return Object.freeze(withEviction(h ? { ...t, hooks: h } : t));
    });
    shared.set(r.minor, types);
  }
  return types;
}

/**
 * The built-in kinds with defaulting and validation as Kubernetes `kubernetesVersion` has them,
 * for one cluster whose Services draw from `alloc`.
 */
export function simResourceTypes(
  alloc: ServiceAllocator,
  kubernetesVersion = DEFAULT_PROFILE.kubernetesVersion,
): ResourceType[] {
  return sharedTypes(releaseOf(kubernetesVersion)).map((t) =>
    t.group === "" && t.kind === "Service"
      ? { ...t, hooks: { default: serviceDefaulter(alloc), validate: serviceValidator(alloc) } }
      : t,
  );
}
