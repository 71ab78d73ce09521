// What a workload needs in a member besides itself: the ConfigMaps and Secrets its pods mount
// (volumes, projected volumes), read into env (valueFrom, envFrom) or pull images with
// (imagePullSecrets), and its ServiceAccount unless it is "default" (every namespace has one).
// All in the workload's namespace; returned sorted and without duplicates.
import type { KubeObject } from "../apis/meta/types.ts";
import type { ManifestId } from "./identity.ts";
import { type Container, podSpecOf } from "./pod-spec.ts";

export function workloadDependencies(obj: KubeObject): ManifestId[] {
  const spec = podSpecOf(obj);
  const namespace = obj.metadata.namespace;
  if (!spec || !namespace) return [];
  const configMaps = new Set<string>();
  const secrets = new Set<string>();
  const add = (set: Set<string>, name: string | undefined) => {
    if (typeof name === "string" && name !== "") set.add(name);
  };
  for (const v of spec.volumes ?? []) {
    add(configMaps, v.configMap?.name);
    add(secrets, v.secret?.secretName);
    for (const s of v.projected?.sources ?? []) {
      add(configMaps, s.configMap?.name);
      add(secrets, s.secret?.name);
    }
  }
  const containers: Container[] = [
    ...(spec.initContainers ?? []),
    ...(spec.containers ?? []),
    ...(spec.ephemeralContainers ?? []),
  ];
  for (const c of containers) {
    for (const e of c.env ?? []) {
      add(configMaps, e.valueFrom?.configMapKeyRef?.name);
      add(secrets, e.valueFrom?.secretKeyRef?.name);
    }
    for (const e of c.envFrom ?? []) {
      add(configMaps, e.configMapRef?.name);
      add(secrets, e.secretRef?.name);
    }
  }
  for (const s of spec.imagePullSecrets ?? []) add(secrets, s.name);
  const sa = spec.serviceAccountName || spec.serviceAccount;
  const ref = (kind: string) => (name: string) => ({ apiVersion: "v1", kind, namespace, name });
  return [
    ...[...configMaps].sort().map(ref("ConfigMap")),
    ...[...secrets].sort().map(ref("Secret")),
    ...(sa && sa !== "default" ? [ref("ServiceAccount")(sa)] : []),
  ];
}
