// The policy audit of a real member, for mcp-agent: the auditor over auditMember with the
// agent's kubeconfig. Kept apart so the agent loads the Kubernetes client only when it runs.
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { auditMember } from "../../policy/member-audit.ts";
import type { CommandHandler } from "../session.ts";
import { PolicyAuditor } from "./policy-auditor.ts";

export function memberPolicyAuditor(kc: KubeConfig, clusterName: string, log: Logger): CommandHandler {
  const auditor = new PolicyAuditor({
    clusterName,
    log: log.child({ component: "policy-audit" }),
    audit: (policies, clusterLabels, signal) => auditMember(kc, { policies, clusterLabels, signal }),
  });
  return auditor.handle;
}
