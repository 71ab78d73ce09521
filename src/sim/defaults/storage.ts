// Defaulting of storage kinds as kube-apiserver does it: PersistentVolumeClaims start Pending in
// Filesystem mode, PersistentVolumes Retain and Filesystem, StorageClasses Delete/Immediate.
import type { KubeObject } from "../../apis/meta/types.ts";
import { child, type Rec, setDefaultString } from "./util.ts";

export function defaultPersistentVolumeClaim(obj: KubeObject): void {
  setDefaultString(child(obj as Rec, "spec"), "volumeMode", "Filesystem");
  setDefaultString(child(obj as Rec, "status"), "phase", "Pending");
}

export function defaultPersistentVolume(obj: KubeObject): void {
  const spec = child(obj as Rec, "spec");
  setDefaultString(spec, "persistentVolumeReclaimPolicy", "Retain");
  setDefaultString(spec, "volumeMode", "Filesystem");
  setDefaultString(child(obj as Rec, "status"), "phase", "Pending");
}

export function defaultStorageClass(obj: KubeObject): void {
  setDefaultString(obj as Rec, "reclaimPolicy", "Delete");
  setDefaultString(obj as Rec, "volumeBindingMode", "Immediate");
}
