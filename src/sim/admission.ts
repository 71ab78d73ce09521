// Admission plugins a simulated cluster runs besides NamespaceLifecycle: DefaultStorageClass,
// which gives a PersistentVolumeClaim without storageClassName the cluster's default class, as
// kube-apiserver's plugin of that name does. (Writes by the in-process controllers skip
// admission, as Kubernetes' do not; they set the class themselves.)
import type { AdmissionPlugin } from "../apiserver/admission/chain.ts";
import type { InternalClient } from "../apiserver/client/internal-client.ts";

export const DEFAULT_CLASS_ANNOTATION = "storageclass.kubernetes.io/is-default-class";

export function defaultStorageClass(client: InternalClient): AdmissionPlugin {
  return {
    name: "DefaultStorageClass",
    failurePolicy: "Ignore",
    async mutate(req) {
      if (
        req.operation !== "CREATE" ||
        req.resource.group !== "" ||
        req.resource.plural !== "persistentvolumeclaims"
      )
        return;
      const spec = (req.object?.spec ?? {}) as Record<string, unknown>;
      if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
      const classes = await client.list("storage.k8s.io/v1", "StorageClass");
      // Several defaults: Kubernetes picks the newest.
      const defaults = classes
        .filter((c) => c.metadata.annotations?.[DEFAULT_CLASS_ANNOTATION] === "true")
        .sort((a, b) =>
          (b.metadata.creationTimestamp ?? "").localeCompare(a.metadata.creationTimestamp ?? ""),
        );
      if (defaults.length > 0 && req.object)
        req.object.spec = { ...spec, storageClassName: defaults[0].metadata.name };
    },
  };
}
