// PolicyReports at the hub: one per cluster, mcp-system/<cluster>, owned by its Cluster (deleted
// with it). An agent's report is untrusted input: checked by parsePolicyReport and stored under
// the name of the cluster whose credential opened the stream, whatever the payload says.
import type { Logger } from "pino";
import type { Report } from "../../apis/agent/v1/protocol.ts";
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import type { PolicyReportStatus } from "../../policy/policy-types.ts";
import { parsePolicyReport, policyReportObject, REPORT_NAMESPACE } from "../../policy/report.ts";
import { clusterRef } from "../agent-endpoint/cluster-ref.ts";
import type { AgentSession } from "../agent-endpoint/sessions.ts";

export async function storePolicyReport(
  client: InternalClient,
  cluster: string,
  status: PolicyReportStatus,
): Promise<void> {
  const desired = policyReportObject(cluster, status);
  const owner = await client.get(clusterRef(cluster));
  if (!owner) return; // the cluster was unjoined meanwhile: nothing to report on
  desired.metadata.ownerReferences = [
    { apiVersion: API_VERSION, kind: "Cluster", name: cluster, uid: owner.metadata.uid ?? "" },
  ];
  const ref = { apiVersion: API_VERSION, kind: "PolicyReport", namespace: REPORT_NAMESPACE, name: cluster };
  for (let attempt = 0; ; attempt++) {
    try {
      const current = await client.get(ref);
      if (!current) {
        await client.create(desired);
        return;
      }
      await client.mutate(ref, (o) => ({ ...o, status }), { status: true });
      return;
    } catch (e) {
      // Two writers raced to create it: the loser updates instead.
      if (e instanceof ApiError && e.reason === "AlreadyExists" && attempt < 3) continue;
      throw e;
    }
  }
}

/** The agent stream's handler for Report{kind: PolicyReport}. */
export function policyReportHandler(client: InternalClient, log: Logger) {
  return async (session: AgentSession, report: Report): Promise<void> => {
    const parsed = parsePolicyReport(report.object_json);
    if (parsed instanceof Error)
      session.log.warn({ err: parsed.message }, "invalid policy report from the agent");
    const status: PolicyReportStatus =
      parsed instanceof Error
        ? {
            error: `invalid report from the agent: ${parsed.message}`,
            lastAuditTime: new Date().toISOString(),
          }
        : parsed;
    await storePolicyReport(client, session.clusterName, status).catch((err) =>
      log.warn({ err: String(err), cluster: session.clusterName }, "storing a policy report failed"),
    );
  };
}
