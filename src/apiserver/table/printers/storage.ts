// Printers for storage: PersistentVolume, PersistentVolumeClaim, StorageClass and
// VolumeAttachment, with kubectl's access-mode abbreviations and `(default)` class marker.
import type { KubeObject } from "../../../apis/meta/types.ts";
import { AGE_COLUMN, age, bool, column, NAME_COLUMN, str, strings, wide } from "../cells.ts";
import type { Printer, PrinterEntry } from "../types.ts";

const name = (obj: KubeObject) => obj.metadata.name ?? "";
const annotation = (obj: KubeObject, key: string) => obj.metadata.annotations?.[key] ?? "";

const MODE_ABBREVIATIONS: [mode: string, short: string][] = [
  ["ReadWriteOnce", "RWO"],
  ["ReadOnlyMany", "ROX"],
  ["ReadWriteMany", "RWX"],
  ["ReadWriteOncePod", "RWOP"],
];

/** GetAccessModesAsString: abbreviations in a fixed order, each once. */
function accessModes(obj: KubeObject, path: string): string {
  const modes = new Set(strings(obj, path));
  return MODE_ABBREVIATIONS.filter(([m]) => modes.has(m))
    .map(([, s]) => s)
    .join(",");
}

// The beta annotation predates spec.storageClassName and still wins when present.
const storageClassOf = (obj: KubeObject) =>
  annotation(obj, "volume.beta.kubernetes.io/storage-class") || str(obj, "spec.storageClassName");

const phaseOf = (obj: KubeObject) =>
  obj.metadata.deletionTimestamp ? "Terminating" : str(obj, "status.phase") || "Pending";

const persistentVolume: Printer = {
  columns: [
    NAME_COLUMN,
    column("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
    column("Access Modes", "accessModes contains all ways the volume can be mounted."),
    column(
      "Reclaim Policy",
      "persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.",
    ),
    column("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
    column(
      "Claim",
      "claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.",
    ),
    column("StorageClass", "StorageClass of the pv"),
    column("VolumeAttributesClass", "VolumeAttributesClass of the pv"),
    column("Reason", "reason is a brief CamelCase string that describes any failure."),
    AGE_COLUMN,
    wide(
      "VolumeMode",
      "volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.",
    ),
  ],
  cells: (o, ctx) => {
    const claim = o.spec && typeof o.spec === "object" && "claimRef" in o.spec;
    return [
      name(o),
      str(o, "spec.capacity.storage") || "0",
      accessModes(o, "spec.accessModes"),
      str(o, "spec.persistentVolumeReclaimPolicy") || "Retain",
      phaseOf(o),
      claim ? `${str(o, "spec.claimRef.namespace")}/${str(o, "spec.claimRef.name")}` : "",
      storageClassOf(o),
      str(o, "spec.volumeAttributesClassName") || "<unset>",
      str(o, "status.reason"),
      age(o, ctx),
      str(o, "spec.volumeMode") || "Filesystem",
    ];
  },
};

const persistentVolumeClaim: Printer = {
  columns: [
    NAME_COLUMN,
    column("Status", "phase represents the current phase of PersistentVolumeClaim."),
    column("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
    column("Capacity", "capacity represents the actual resources of the underlying volume."),
    column("Access Modes", "accessModes contains the actual access modes the volume backing the PVC has."),
    column("StorageClass", "StorageClass of the pvc"),
    column("VolumeAttributesClass", "VolumeAttributesClass of the pvc"),
    AGE_COLUMN,
    wide("VolumeMode", "volumeMode defines what type of volume is required by the claim."),
  ],
  cells: (o, ctx) => {
    // Capacity and modes describe the bound volume, so they stay empty until binding.
    const bound = str(o, "spec.volumeName") !== "";
    return [
      name(o),
      phaseOf(o),
      str(o, "spec.volumeName"),
      bound ? str(o, "status.capacity.storage") || "0" : "",
      bound ? accessModes(o, "status.accessModes") : "",
      storageClassOf(o),
      str(o, "spec.volumeAttributesClassName") || "<unset>",
      age(o, ctx),
      str(o, "spec.volumeMode") || "Filesystem",
    ];
  },
};

const isDefaultClass = (o: KubeObject) =>
  annotation(o, "storageclass.kubernetes.io/is-default-class") === "true" ||
  annotation(o, "storageclass.beta.kubernetes.io/is-default-class") === "true";

const storageClass: Printer = {
  columns: [
    NAME_COLUMN,
    column("Provisioner", "provisioner indicates the type of the provisioner."),
    column(
      "ReclaimPolicy",
      "reclaimPolicy controls the reclaimPolicy for dynamically provisioned PersistentVolumes of this storage class.",
    ),
    column(
      "VolumeBindingMode",
      "volumeBindingMode indicates how PersistentVolumeClaims should be provisioned and bound.",
    ),
    column(
      "AllowVolumeExpansion",
      "allowVolumeExpansion shows whether the storage class allow volume expand.",
    ),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [
    isDefaultClass(o) ? `${name(o)} (default)` : name(o),
    str(o, "provisioner"),
    str(o, "reclaimPolicy") || "Delete",
    str(o, "volumeBindingMode") || "Immediate",
    bool(o, "allowVolumeExpansion") ?? false,
    age(o, ctx),
  ],
};

const volumeAttachment: Printer = {
  columns: [
    NAME_COLUMN,
    {
      ...column(
        "Attacher",
        "attacher indicates the name of the volume driver that MUST handle this request.",
      ),
      format: "name",
    },
    column("PV", "persistentVolumeName represents the name of the persistent volume to attach."),
    column("Node", "nodeName represents the node that the volume should be attached to."),
    column("Attached", "attached indicates the volume is successfully attached.", { type: "boolean" }),
    AGE_COLUMN,
  ],
  cells: (o, ctx) => [
    name(o),
    str(o, "spec.attacher"),
    str(o, "spec.source.persistentVolumeName"),
    str(o, "spec.nodeName"),
    bool(o, "status.attached") ?? false,
    age(o, ctx),
  ],
};

export const storagePrinters: PrinterEntry[] = [
  { group: "", kind: "PersistentVolume", printer: persistentVolume },
  { group: "", kind: "PersistentVolumeClaim", printer: persistentVolumeClaim },
  { group: "storage.k8s.io", kind: "StorageClass", printer: storageClass },
  { group: "storage.k8s.io", kind: "VolumeAttachment", printer: volumeAttachment },
];
