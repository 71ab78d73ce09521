// The kinds a simulated cluster serves: Kubernetes' built-in kinds with Kubernetes' defaulting
// (and the few validations clients rely on) plugged in as ResourceType hooks. The hook-carrying
// types are built once and shared by every cluster; only Services, whose allocator is per
// cluster, get a type object of their own.
import type { KubeObject } from "../../apis/meta/types.ts";
import { builtinResourceTypes } from "../../apiserver/resources/builtin.ts";
import type { ResourceHooks, ResourceType } from "../../apiserver/resources/resource-type.ts";
import { defaultEndpoints, defaultNamespace, defaultNode, defaultSecret } from "./core.ts";
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

/** group/kind → hooks, for every kind with defaults besides Service. */
const HOOKS: Record<string, ResourceHooks> = {
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
};

let shared: ResourceType[] | undefined;

function sharedTypes(): ResourceType[] {
  shared ??= builtinResourceTypes().map((t) => {
    const hooks = HOOKS[`${t.group}/${t.kind}`];
    return Object.freeze(hooks ? { ...t, hooks } : t);
  });
  return shared;
}

/** The built-in kinds with defaulting, for one cluster whose Services draw from `alloc`. */
export function simResourceTypes(alloc: ServiceAllocator): ResourceType[] {
  return sharedTypes().map((t) =>
    t.group === "" && t.kind === "Service"
      ? { ...t, hooks: { default: serviceDefaulter(alloc), validate: serviceValidator(alloc) } }
      : t,
  );
}
