// NamespaceLifecycle: namespaced objects may only be created in a namespace that exists and is
// not terminating; the built-in namespaces cannot be deleted.
import type { KubeObject } from "../../apis/meta/types.ts";
import { errors } from "../errors.ts";
import type { AdmissionPlugin } from "./chain.ts";

export const IMMORTAL_NAMESPACES = ["default", "kube-system", "kube-public"];

export function namespaceLifecycle(
  getNamespace: (name: string) => Promise<KubeObject | undefined>,
): AdmissionPlugin {
  return {
    name: "NamespaceLifecycle",
    failurePolicy: "Fail",
    async validate(req) {
      if (req.resource.group === "" && req.resource.plural === "namespaces") {
        if (req.operation === "DELETE" && IMMORTAL_NAMESPACES.includes(req.name))
          return { allowed: false, message: `this namespace may not be deleted` };
        return { allowed: true };
      }
      if (!req.resource.namespaced || req.operation !== "CREATE") return { allowed: true };
      const ns = await getNamespace(req.namespace);
      if (!ns)
        return {
          allowed: false,
          error: errors.notFound({ group: "", resource: "namespaces", name: req.namespace }),
        };
      if (ns.metadata.deletionTimestamp)
        return {
          allowed: false,
          error: errors.forbidden(
            { group: req.resource.group, resource: req.resource.plural, name: req.name },
            `unable to create new content in namespace ${req.namespace} because it is being terminated`,
          ),
        };
      return { allowed: true };
    },
  };
}
