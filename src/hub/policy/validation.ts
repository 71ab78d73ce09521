// Validates ClusterPolicy writes: every rule's CEL must compile (and stay under the cost
// estimate), built-in names must exist with their params, selectors must parse. A problem is a
// 422 Invalid whose causes name the field (spec.rules[i].condition) and, for CEL, the line and
// column. The compiled result is cached, so the policy registry reuses it once it is stored.
import type { AdmissionPlugin } from "../../apiserver/admission/chain.ts";
import { errors } from "../../apiserver/errors.ts";
import type { PolicyCompiler } from "../../policy/compile.ts";

export function policyValidation(compiler: PolicyCompiler): AdmissionPlugin {
  return {
    name: "ClusterPolicyValidation",
    failurePolicy: "Fail",
    validate(req) {
      const rt = req.resource;
      if (rt.group !== "mcp.platform" || rt.plural !== "clusterpolicies" || req.subresource || !req.object)
        return { allowed: true };
      const r = compiler.compile(req.object);
      if (!r.causes) return { allowed: true };
      return { allowed: false, error: errors.invalid("ClusterPolicy", req.name, rt.group, r.causes) };
    },
  };
}
