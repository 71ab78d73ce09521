// Stores one cluster's DiagnosticReport (mcp-system/<cluster>), creating or replacing it. The
// status is written before the scan label moves to the new scan, so whoever watches
// `mcp.platform/scan=<id>` never sees a report of this scan carrying an older scan's results.
import { API_VERSION } from "../../apis/mcp.platform/v1/common.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { ApiError } from "../../apiserver/errors.ts";
import {
  type DiagnoseParams,
  REPORT_NAMESPACE,
  type ReportStatus,
  reportObject,
} from "../../diag/fleet/report.ts";

export async function storeReport(
  client: InternalClient,
  cluster: string,
  scanId: string,
  params: DiagnoseParams,
  status: ReportStatus,
): Promise<void> {
  const desired = reportObject(cluster, scanId, params, status);
  const ref = {
    apiVersion: API_VERSION,
    kind: "DiagnosticReport",
    namespace: REPORT_NAMESPACE,
    name: cluster,
  };
  for (let attempt = 0; ; attempt++) {
    const current = await client.get(ref);
    try {
      if (!current) {
        await client.create(desired);
        return;
      }
      await client.mutate(ref, (o) => ({ ...o, status: desired.status }), { status: true });
      await client.mutate(ref, (o) => ({
        ...o,
        metadata: { ...o.metadata, labels: { ...o.metadata.labels, ...desired.metadata.labels } },
        spec: desired.spec,
      }));
      return;
    } catch (e) {
      // Two writers raced to create it: the loser updates instead.
      if (e instanceof ApiError && e.reason === "AlreadyExists" && attempt < 3) continue;
      throw e;
    }
  }
}
