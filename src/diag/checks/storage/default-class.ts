// Which StorageClasses are marked default. Shared by MCP-STO-004 (a class-less claim needs one)
// and MCP-STO-005 (more than one is ambiguous).
import type { KubeObject } from "../../../apis/meta/types.ts";

const DEFAULT_ANNOTATIONS = [
  "storageclass.kubernetes.io/is-default-class",
  // The beta annotation is still honoured by the admission plugin, and old installers set it.
  "storageclass.beta.kubernetes.io/is-default-class",
];

export function isDefaultClass(sc: KubeObject): boolean {
  const a = sc.metadata.annotations ?? {};
  return DEFAULT_ANNOTATIONS.some((k) => a[k] === "true");
}
