// The PolicyReport an audit produces (one per cluster: mcp-system/<cluster>), and the check the
// hub applies to one arriving from an agent: untrusted input, so sized before it is parsed,
// shape-checked against the schema, stripped of unknown fields and bounded in every list and
// string. Shared by the agent, the hub's push audit and the hub's report handler.
import { Value } from "@sinclair/typebox/value";
import { parseReportPayload } from "../apis/agent/v1/report-payload.ts";
import { PolicyReportStatusSchema } from "../apis/mcp.platform/v1/cluster-policy.ts";
import { API_VERSION } from "../apis/mcp.platform/v1/common.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import { labelValue } from "../propagation/identity.ts";
import type { PolicyReportStatus } from "./policy-types.ts";

export const REPORT_NAMESPACE = "mcp-system";
/**
 * Every PolicyReport carries its cluster in this label, as the cluster's Work and DiagnosticReports
 * do: the name itself, or for a name longer than a label value may be (63 characters; cluster
 * names go up to 253) the name cut and suffixed with its hash (labelValue). Select by
 * labelValue(name); spec.cluster holds the full name.
 */
export const CLUSTER_LABEL = "mcp.platform/cluster";
/** Failures listed per report; the counts include the rest. */
export const MAX_RESULTS = 1000;
export const MAX_POLICIES = 1000;
const MAX_STRING = 4096;

export function policyReportObject(cluster: string, status: PolicyReportStatus): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: "PolicyReport",
    metadata: {
      name: cluster,
      namespace: REPORT_NAMESPACE,
      labels: { [CLUSTER_LABEL]: labelValue(cluster) },
    },
    spec: { cluster },
    status,
  };
}

/** A report's status from an agent's Report.object_json, or why it is refused. */
export function parsePolicyReport(json: string): PolicyReportStatus | Error {
  const raw = parseReportPayload(json);
  if (raw instanceof Error) return raw;
  const obj = raw as { kind?: unknown; status?: unknown };
  if (typeof raw !== "object" || raw === null || obj.kind !== "PolicyReport")
    return new Error("not a PolicyReport");
  if (typeof obj.status !== "object" || obj.status === null) return new Error("the report has no status");
  const status = Value.Clean(PolicyReportStatusSchema, structuredClone(obj.status));
  if (!Value.Check(PolicyReportStatusSchema, status)) {
    const first = Value.Errors(PolicyReportStatusSchema, status).First();
    return new Error(`status${first?.path.replaceAll("/", ".") ?? ""}: ${first?.message ?? "invalid"}`);
  }
  const s = status as PolicyReportStatus;
  if ((s.results?.length ?? 0) > MAX_RESULTS) return new Error(`more than ${MAX_RESULTS} results`);
  if ((s.policies?.length ?? 0) > MAX_POLICIES) return new Error(`more than ${MAX_POLICIES} policies`);
  const long = longString(s);
  if (long) return new Error(`a string longer than ${MAX_STRING} characters at status${long}`);
  const counts = [s.summary, ...(s.policies ?? [])].flatMap((c) =>
    c ? [c.pass, c.fail, c.warn, c.error] : [],
  );
  if (counts.some((n) => n < 0)) return new Error("negative counts");
  return s;
}

function longString(x: unknown, path = ""): string | undefined {
  if (typeof x === "string") return x.length > MAX_STRING ? path : undefined;
  if (typeof x !== "object" || x === null) return undefined;
  for (const [k, v] of Object.entries(x)) {
    const found = longString(v, Array.isArray(x) ? `${path}[${k}]` : `${path}.${k}`);
    if (found !== undefined) return found;
  }
  return undefined;
}
