// The ClusterPolicy admission plugin: every write to the hub (create, update, patch, apply,
// delete; dry-run included) is checked against the rules that match it, before anything is
// stored or propagated. deny → 403 naming the policy, rule and message; warn → a Warning header;
// audit → an audit annotation. Rules are looked up by kind in the precompiled index, so a write no
// rule concerns costs one map lookup. Evaluation errors follow each policy's failurePolicy; the
// plugin itself never throws.
import type { Logger } from "pino";
import type { KubeObject } from "../../apis/meta/types.ts";
import type {
  AdmissionDecision,
  AdmissionPlugin,
  AdmissionRequest,
} from "../../apiserver/admission/chain.ts";
import { errors } from "../../apiserver/errors.ts";
import {
  DEFAULT_REQUEST_BUDGET,
  type Decision,
  decide,
  describeOutcome,
  evaluateRules,
  type RequestBudget,
  type RuleOutcome,
  readsVariable,
} from "../../policy/evaluate.ts";
import type { RuleIndex } from "../../policy/rule-index.ts";
import { userTenant } from "../../policy/tenant.ts";
import type { PlacementPreview } from "./placement-preview.ts";

/** The audit-log annotation listing the rules a request violated (or could not evaluate). */
export const VIOLATIONS_ANNOTATION = "policy.mcp.platform/violations";

/** Policies and their reports are not subject to policies: a rule must not lock itself in. */
const EXEMPT = new Set(["mcp.platform/clusterpolicies", "mcp.platform/policyreports"]);

export interface PolicyAdmissionDeps {
  rules(): RuleIndex;
  namespace(name: string): KubeObject | undefined;
  preview: PlacementPreview;
  log: Logger;
  budget?: RequestBudget;
}

const ALLOW: AdmissionDecision = { allowed: true };

export function policyAdmission(deps: PolicyAdmissionDeps): AdmissionPlugin {
  return {
    name: "ClusterPolicy",
    failurePolicy: "Fail",
    async validate(req) {
      const rt = req.resource;
      if (req.subresource || EXEMPT.has(`${rt.group}/${rt.plural}`)) return ALLOW;
      const index = deps.rules();
      if (index.ruleCount === 0 || index.candidates({ kind: rt.kind, resource: rt.plural }).length === 0)
        return ALLOW;
      const { object, oldObject } = req;
      const isNamespace = rt.group === "" && rt.plural === "namespaces";
      const nsObject = rt.namespaced && !isNamespace ? deps.namespace(req.namespace) : undefined;
      const rules = index.matching({
        group: rt.group,
        kind: rt.kind,
        resource: rt.plural,
        namespaced: rt.namespaced && !isNamespace,
        namespace: req.namespace,
        name: req.name,
        operation: req.operation,
        ...(object ? { labels: object.metadata.labels ?? {} } : {}),
        ...(oldObject ? { oldLabels: oldObject.metadata.labels ?? {} } : {}),
        namespaceLabels: nsObject?.metadata.labels ?? {},
      });
      if (rules.length === 0) return ALLOW;
      const cluster = readsVariable(rules, "cluster") ? await preview(deps, object ?? oldObject) : undefined;
      const outcomes = evaluateRules(
        rules,
        {
          ...(object ? { object } : {}),
          ...(oldObject ? { oldObject } : {}),
          ...(nsObject ? { namespaceObject: nsObject } : {}),
          ...(cluster ? { cluster } : {}),
          request: requestInfo(req, userTenant(req.user, deps.namespace)),
        },
        deps.budget ?? DEFAULT_REQUEST_BUDGET,
      );
      return decision(deps, req, decide(outcomes));
    },
  };
}

function requestInfo(req: AdmissionRequest, tenant: string) {
  return {
    user: req.user.name,
    groups: req.user.groups,
    tenant,
    operation: req.operation,
    namespace: req.namespace,
    name: req.name,
    kind: req.resource.kind,
    apiGroup: req.resource.group,
    resource: req.resource.plural,
  };
}

async function preview(
  deps: PolicyAdmissionDeps,
  obj: KubeObject | undefined,
): Promise<Record<string, string>[]> {
  if (!obj) return [];
  try {
    return await deps.preview(obj);
  } catch (e) {
    // Rules reading `cluster` then see no cluster; the preview is advisory.
    deps.log.warn({ err: String(e), object: obj.metadata.name }, "placement preview failed");
    return [];
  }
}

function decision(deps: PolicyAdmissionDeps, req: AdmissionRequest, d: Decision): AdmissionDecision {
  const noted = [...d.denied, ...d.warned, ...d.audited, ...d.ignored];
  if (noted.length === 0) return ALLOW;
  for (const o of d.ignored)
    deps.log.warn(
      {
        policy: o.rule.policy,
        rule: o.rule.name,
        resource: req.resource.plural,
        name: req.name,
        err: o.message,
      },
      "policy rule failed; ignored (failurePolicy Ignore)",
    );
  const auditAnnotations = { [VIOLATIONS_ANNOTATION]: JSON.stringify(noted.map(annotation)) };
  const warnings = d.warned.map(describeOutcome);
  if (d.denied.length === 0) return { allowed: true, warnings, auditAnnotations };
  const message = d.denied.map(denialText).join("; ");
  return {
    allowed: false,
    auditAnnotations,
    error: errors.forbidden(
      { group: req.resource.group, resource: req.resource.plural, name: req.name || undefined },
      message,
    ),
  };
}

function denialText(o: RuleOutcome): string {
  const text = `denied by ${describeOutcome(o)}`;
  return o.result === "error" ? `${text} (failurePolicy Fail)` : text;
}

function annotation(o: RuleOutcome) {
  return {
    policy: o.rule.policy,
    rule: o.rule.name,
    action: o.rule.action,
    result: o.result,
    message: o.message.slice(0, 512),
  };
}
