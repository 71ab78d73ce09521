// Defaulting of core/v1 kinds besides Pods and Services: Namespaces (name label, the kubernetes
// finalizer, phase Active), Secrets (Opaque), Endpoints ports (TCP), Nodes (allocatable).
import type { KubeObject } from "../../apis/meta/types.ts";
import { child, isRec, type Rec, records, setDefault, setDefaultString } from "./util.ts";

export function defaultNamespace(obj: KubeObject): void {
  if (obj.metadata.name)
    obj.metadata.labels = { ...obj.metadata.labels, "kubernetes.io/metadata.name": obj.metadata.name };
  const spec = child(obj as Rec, "spec");
  setDefault(spec, "finalizers", ["kubernetes"]);
  setDefaultString(child(obj as Rec, "status"), "phase", "Active");
}

/**
 * Opaque unless typed; stringData is write-only: like the v1 to internal conversion, it is merged
 * into data (base64, overriding data's keys) and never stored, so validation sees data only.
 */
export function defaultSecret(obj: KubeObject): void {
  const secret = obj as Rec;
  setDefaultString(secret, "type", "Opaque");
  if (isRec(secret.stringData)) {
    const data = isRec(secret.data) ? { ...secret.data } : {};
    for (const [k, v] of Object.entries(secret.stringData))
      data[k] = Buffer.from(String(v)).toString("base64");
    secret.data = data;
  }
  delete secret.stringData;
}

export function defaultEndpoints(obj: KubeObject): void {
  for (const subset of records((obj as Rec).subsets))
    for (const p of records(subset.ports)) setDefaultString(p, "protocol", "TCP");
}

export function defaultNode(obj: KubeObject): void {
  const status = (obj as Rec).status;
  if (isRec(status) && isRec(status.capacity)) setDefault(status, "allocatable", { ...status.capacity });
}
