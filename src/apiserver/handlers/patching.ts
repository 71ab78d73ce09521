// The handlers' single entry to the patch machinery (src/apiserver/patch/): non-apply patch
// formats, server-side apply and managed-fields tracking, with the kind's traits filled in.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { ErrorTarget } from "../errors.ts";
import type { BodyFormat } from "../http/body.ts";
import { serverSideApply as applyPatch } from "../patch/apply.ts";
import { applyJsonPatch } from "../patch/json-patch.ts";
import { trackUpdate } from "../patch/managed-fields.ts";
import { applyMergePatch } from "../patch/merge-patch.ts";
import { applyStrategicMergePatch } from "../patch/strategic-merge.ts";
import type { ResourceType } from "../resources/resource-type.ts";

export function applyNonApplyPatch(
  format: BodyFormat,
  live: KubeObject,
  patch: unknown,
  builtin: boolean,
): unknown {
  switch (format) {
    case "merge-patch":
      return applyMergePatch(live, patch);
    case "json-patch":
      return applyJsonPatch(live, patch);
    case "strategic-merge-patch":
      return applyStrategicMergePatch(live, patch, { builtin });
    default:
      throw new Error(`not a patch format: ${format}`);
  }
}

function traits(rt: ResourceType, name: string | undefined) {
  const target: ErrorTarget = { group: rt.group, resource: rt.plural, name };
  return { builtin: rt.builtin, statusSubresource: rt.subresources.includes("status"), target };
}

interface Common {
  live: KubeObject | undefined;
  manager: string;
  apiVersion: string;
  now: string;
  subresource?: string;
}

export function trackManagedFields(rt: ResourceType, o: Common & { updated: KubeObject }): KubeObject {
  return trackUpdate({ ...o, ...traits(rt, o.updated.metadata.name), operation: "Update" });
}

export function serverSideApply(
  rt: ResourceType,
  o: Common & { applied: KubeObject; force: boolean },
): KubeObject {
  return applyPatch({ ...o, ...traits(rt, o.applied.metadata.name) });
}
