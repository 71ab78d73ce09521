// MCP-STO-005 — more than one default StorageClass.
// With several defaults the DefaultStorageClass admission plugin picks the newest one (since 1.26;
// older versions reject class-less claims outright), so which disk a new claim gets depends on
// creation order: a silent change of performance tier or cost.
import type { Check, Finding } from "../../types.ts";
import { list, ref } from "../objects.ts";
import { isDefaultClass } from "./default-class.ts";

export const multipleDefaults: Check = {
  code: "MCP-STO-005",
  area: "storage",
  title: "More than one default StorageClass",
  severity: "warning",
  reads: ["storageclasses"],
  description:
    "Several StorageClasses carry storageclass.kubernetes.io/is-default-class=true; claims without a class " +
    "get whichever is newest (or are rejected on Kubernetes before 1.26). Keep exactly one default.",
  run(ctx) {
    const defaults = list(ctx, "storageclasses").filter(isDefaultClass);
    if (defaults.length < 2) return [];
    const names = defaults.map((d) => d.metadata.name ?? "");
    return defaults.map(
      (sc): Finding => ({
        code: multipleDefaults.code,
        severity: multipleDefaults.severity,
        object: ref(sc),
        message: `StorageClass ${sc.metadata.name} is one of ${defaults.length} default classes (${names.join(", ")}).`,
        fix:
          `Keep one default; on the others run: kubectl patch storageclass ${sc.metadata.name} -p ` +
          `'{"metadata":{"annotations":{"storageclass.kubernetes.io/is-default-class":"false"}}}'`,
      }),
    );
  },
};
