// Storage checks: claims that cannot bind or bound wrongly, and StorageClass setup.
import type { Check } from "../../types.ts";
import { bindingMismatch } from "./binding-mismatch.ts";
import { missingProvisioner } from "./missing-provisioner.ts";
import { multipleDefaults } from "./multiple-defaults.ts";
import { pvcLost } from "./pvc-lost.ts";
import { pvcPending } from "./pvc-pending.ts";

export const checks: Check[] = [pvcPending, pvcLost, bindingMismatch, missingProvisioner, multipleDefaults];
