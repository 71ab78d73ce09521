// `mcpctl diag scan`: a fleet-wide mcp-diag scan. Creates a DiagnosticScan (the hub sends it to
// the selected clusters: agents in pull mode, the hub itself in push mode), then waits for the
// DiagnosticReports labelled with the scan id (../diag/collect.ts), showing progress on stderr,
// until every dispatched cluster has reported (offline ones are reported at once) or --timeout
// passes. Prints a cluster × check matrix and the findings many clusters share, or the reports as
// json/yaml. Exit code 0 when every cluster reported (whatever it found), 1 when some did not in
// time. `mcpctl diag history` lists earlier scans from the reports' bounded history.
import { ApiError } from "../../apiserver/errors.ts";
import { type LabelSelector, parseLabelSelector } from "../../apiserver/selectors/labels.ts";
import { UsageError } from "../../cli/flags.ts";
import { type Command, noArguments, tableOrDataFlag, tableOrDataFormat } from "../command.ts";
import { collectReports, REPORTS, type ReportObject } from "../diag/collect.ts";
import { formatClusterHistory, formatScans, recordsOf, summarizeScans } from "../diag/history.ts";
import { type FleetRow, formatMatrix, formatShared, sharedFindings } from "../diag/matrix.ts";
import { CtlError, isNotFound } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import { formatTableOrData } from "../output.ts";

const SCANS = "/apis/mcp.platform/v1/diagnosticscans";

interface ScanResponse {
  metadata: { name: string };
  status: { clusters?: string[]; offline?: string[] };
}

const scan: Command = {
  name: "scan",
  usage:
    "mcpctl diag scan (--clusters SELECTOR | --all-clusters) [--target-version V] [--checks a,b] [-o table|json|yaml] [--timeout 2m]",
  summary:
    "Scan clusters of the fleet with mcp-diag in parallel (agents in pull mode, the hub in push mode), store a DiagnosticReport per cluster in mcp-system, and print a cluster × check matrix plus the findings many clusters share. Offline clusters are reported, not waited for.",
  flags: [
    {
      name: "clusters",
      type: "string",
      description: "Label selector of the clusters to scan, e.g. region=eu",
    },
    { name: "all-clusters", type: "boolean", default: "false", description: "Scan every cluster" },
    {
      name: "target-version",
      type: "string",
      description: "Pre-upgrade mode: what blocks an upgrade to this version",
    },
    { name: "checks", type: "list", description: "Only these check areas or codes, e.g. network,storage" },
    tableOrDataFlag(),
    { name: "timeout", type: "duration", default: "2m", description: "How long to wait for the reports" },
  ],
  examples: [
    "mcpctl diag scan --all-clusters",
    "mcpctl diag scan --clusters region=eu --target-version 1.31 -o json",
  ],
  run: runScan,
};

async function runScan(inv: Invocation, args: string[]): Promise<number> {
  noArguments(args, "diag scan");
  const format = tableOrDataFormat(inv);
  const selector = inv.str("clusters");
  const all = inv.bool("all-clusters");
  if (!!selector === all)
    throw new UsageError("diag scan needs exactly one of --clusters SELECTOR or --all-clusters");
  const checks = (inv.flags.checks as string[] | undefined) ?? [];
  const spec = {
    ...(selector ? { clusterSelector: toLabelSelector(selector) } : { all: true }),
    ...(inv.str("target-version") ? { targetVersion: inv.str("target-version") } : {}),
    ...(checks.length ? { checks } : {}),
  };
  const client = await inv.client();
  const created = await client.call<ScanResponse>("POST", SCANS, {
    body: { apiVersion: "mcp.platform/v1", kind: "DiagnosticScan", metadata: {}, spec },
  });
  const scanId = created.metadata.name;
  const clusters = created.status.clusters ?? [];
  inv.io.err(`scan ${scanId}: ${clusters.length} cluster(s) selected\n`);
  const reports = await collectReports(client, {
    scanId,
    clusters,
    timeoutMs: inv.flags.timeout as number,
    onReport: (got, total) => inv.io.err(`${got}/${total} clusters scanned\n`),
  });
  const missing = clusters.filter((c) => !reports.has(c));
  const rows: FleetRow[] = clusters.map((c) => {
    const r = reports.get(c);
    if (!r) return { cluster: c, error: "no report before --timeout", findings: [] };
    return {
      cluster: c,
      ...(r.status?.score !== undefined ? { score: r.status.score } : {}),
      ...(r.status?.error ? { error: r.status.error } : {}),
      findings: r.status?.findings ?? [],
    };
  });
  const shared = sharedFindings(rows);
  const result = { scan: scanId, clusters, missing, shared, reports: [...reports.values()] };
  inv.io.out(formatTableOrData(format, result, () => `${formatMatrix(rows)}\n${formatShared(shared)}`));
  if (missing.length > 0) {
    inv.io.err(`no report from ${missing.join(", ")} before --timeout\n`);
    return 1;
  }
  return 0;
}

/** A selector string (`a=b,c in (d,e),!f`) as the LabelSelector object the scan carries. */
export function toLabelSelector(text: string): LabelSelector {
  let m: ReturnType<typeof parseLabelSelector>;
  try {
    m = parseLabelSelector(text);
  } catch (e) {
    throw new UsageError(`--clusters: ${e instanceof ApiError ? e.message : String(e)}`);
  }
  const matchLabels: Record<string, string> = {};
  const matchExpressions: NonNullable<LabelSelector["matchExpressions"]> = [];
  for (const r of m.requirements) {
    if (r.operator === "=" || r.operator === "==") matchLabels[r.key] = r.values[0];
    else if (r.operator === "!=")
      matchExpressions.push({ key: r.key, operator: "NotIn", values: [...r.values] });
    else if (r.operator === "in")
      matchExpressions.push({ key: r.key, operator: "In", values: [...r.values] });
    else if (r.operator === "notin")
      matchExpressions.push({ key: r.key, operator: "NotIn", values: [...r.values] });
    else if (r.operator === "exists") matchExpressions.push({ key: r.key, operator: "Exists" });
    else if (r.operator === "!") matchExpressions.push({ key: r.key, operator: "DoesNotExist" });
    else throw new UsageError(`--clusters: operator ${r.operator} is not supported for clusters`);
  }
  return {
    ...(Object.keys(matchLabels).length ? { matchLabels } : {}),
    ...(matchExpressions.length ? { matchExpressions } : {}),
  };
}

const history: Command = {
  name: "history",
  usage: "mcpctl diag history [--cluster NAME] [-o table|json|yaml]",
  summary:
    "List earlier fleet scans with their scores and findings per severity: one row per scan, or one cluster's scans with --cluster. Each cluster keeps its last 10 scans; the full report of an earlier scan is the DiagnosticReport mcp-system/<cluster>.<scan>.",
  flags: [
    { name: "cluster", type: "string", description: "Only this cluster's scans, newest first" },
    tableOrDataFlag(),
  ],
  examples: [
    "mcpctl diag history",
    "mcpctl diag history --cluster sim-001",
    "mcpctl get diagnosticreports -n mcp-system -l mcp.platform/scan=scan-0123456789 -o yaml",
  ],
  run: runHistory,
};

async function runHistory(inv: Invocation, args: string[]): Promise<number> {
  noArguments(args, "diag history");
  const format = tableOrDataFormat(inv);
  const client = await inv.client();
  const cluster = inv.str("cluster");
  if (cluster) {
    let report: ReportObject;
    try {
      report = await client.get<ReportObject>(`${REPORTS}/${encodeURIComponent(cluster)}`);
    } catch (e) {
      if (isNotFound(e))
        throw new CtlError(
          `cluster ${cluster} has no diagnostic report yet; run: mcpctl diag scan --all-clusters`,
        );
      throw e;
    }
    inv.io.out(formatTableOrData(format, recordsOf(report), formatClusterHistory));
    return 0;
  }
  const latest = await client.get<{ items: ReportObject[] }>(REPORTS, {
    query: { labelSelector: "mcp.platform/report=latest" },
  });
  const scans = summarizeScans(latest.items.flatMap(recordsOf));
  inv.io.out(formatTableOrData(format, scans, formatScans));
  return 0;
}

export const diagCommand: Command = {
  name: "diag",
  usage: "mcpctl diag SUBCOMMAND [flags]",
  summary: "Fleet diagnostics: run mcp-diag in many clusters at once and compare the results.",
  flags: [],
  subcommands: [scan, history],
  examples: [
    "mcpctl diag scan --all-clusters",
    "mcpctl diag history --cluster sim-001",
    "mcpctl get diagnosticreports -n mcp-system -l mcp.platform/report=latest",
  ],
};
