// `mcpctl policy`: fleet policy from the command line. `report` shows compliance per cluster and
// per policy from the PolicyReports the audits store (mcp-system/<cluster>) and the violations
// they list; `test` evaluates ClusterPolicies against objects from files without a hub (exit 1
// when something would be denied), with the hub's own evaluation code.
import type { KubeObject } from "../../apis/meta/types.ts";
import { UsageError } from "../../cli/flags.ts";
import type { PolicyOperation } from "../../policy/match.ts";
import type { PolicyReportStatus } from "../../policy/policy-types.ts";
import { type Command, listObjects, noArguments, tableOrDataFlag, tableOrDataFormat } from "../command.ts";
import { columns } from "../describe-format.ts";
import { CtlError, isNotFound } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import { docLabel, readManifests } from "../manifests.ts";
import { formatTableOrData } from "../output.ts";
import { type ClusterReport, formatCompliance, summarize } from "../policy/compliance.ts";
import { dryRun } from "../policy/dry-run.ts";

const REPORTS = "/apis/mcp.platform/v1/namespaces/mcp-system/policyreports";
const CLUSTERS = "/apis/mcp.platform/v1/clusters";

const report: Command = {
  name: "report",
  usage: "mcpctl policy report [--cluster NAME] [-o table|json|yaml]",
  summary:
    "Show fleet compliance from the member audits: per cluster and per policy (evaluations passed, failed, warned, errored) and the violating objects, from the PolicyReport each cluster's audit stores in mcp-system.",
  flags: [
    { name: "cluster", type: "string", description: "Only this cluster (and all of its violations)" },
    tableOrDataFlag(),
  ],
  examples: ["mcpctl policy report", "mcpctl policy report --cluster east-1 -o yaml"],
  run: runReport,
};

async function runReport(inv: Invocation, args: string[]): Promise<number> {
  noArguments(args, "policy report");
  const format = tableOrDataFormat(inv);
  const client = await inv.client();
  const only = inv.str("cluster");
  let reports: ClusterReport[];
  if (only) {
    try {
      const r = await client.get<KubeObject>(`${REPORTS}/${encodeURIComponent(only)}`);
      reports = [{ cluster: only, status: r.status as PolicyReportStatus }];
    } catch (e) {
      if (!isNotFound(e)) throw e;
      throw new CtlError(
        `cluster ${only} has no PolicyReport yet (no audit has run, or there is no such cluster)`,
      );
    }
  } else {
    const found = await listObjects(client, REPORTS, {});
    const byCluster = new Map(
      found.items.map((r) => [(r.spec as { cluster?: string })?.cluster ?? r.metadata.name!, r]),
    );
    // Clusters with no report yet are shown too (when the user may list clusters).
    const clusters = await listObjects(client, CLUSTERS, {}).then(
      (l) => l.items.map((c) => c.metadata.name!),
      () => [] as string[],
    );
    const names = new Set([...byCluster.keys(), ...clusters]);
    reports = [...names].map((cluster) => ({
      cluster,
      ...(byCluster.has(cluster) ? { status: byCluster.get(cluster)!.status as PolicyReportStatus } : {}),
    }));
  }
  const limit = only ? Number.POSITIVE_INFINITY : 50;
  inv.io.out(formatTableOrData(format, summarize(reports), (s) => formatCompliance(s, Date.now(), limit)));
  return 0;
}

const test: Command = {
  name: "test",
  usage: "mcpctl policy test -f POLICIES -f OBJECTS [--user U] [--group G,...] [--operation CREATE] [flags]",
  summary:
    "Evaluate ClusterPolicies against objects from files, as the hub's admission would for a write by the given user, without a hub. Prints each rule's verdict per object; exits 1 if any object would be denied (or a policy does not compile).",
  flags: [
    {
      name: "filename",
      short: "f",
      type: "list",
      description:
        "Files, directories or - (stdin) holding ClusterPolicies and the objects to test; repeatable",
    },
    {
      name: "recursive",
      short: "R",
      type: "boolean",
      default: "false",
      description: "Recurse into directories",
    },
    { name: "user", type: "string", default: "mcpctl-test", description: "The user the writes are made as" },
    {
      name: "group",
      type: "list",
      description: "The user's groups, e.g. tenant:team-a (a tenant:<name> group makes the user a tenant)",
    },
    { name: "operation", type: "string", default: "CREATE", description: "CREATE, UPDATE or DELETE" },
    {
      name: "cluster-labels",
      type: "list",
      description: "Labels of the cluster the objects go to (the rules' `cluster`), e.g. env=prod,region=eu",
    },
    tableOrDataFlag(),
  ],
  examples: [
    "mcpctl policy test -f policy.yaml -f objects.yaml",
    "mcpctl policy test -f policies/ -f app.yaml --group tenant:team-a -o json",
  ],
  run: runTest,
};

async function runTest(inv: Invocation, args: string[]): Promise<number> {
  noArguments(args, "policy test");
  const format = tableOrDataFormat(inv);
  const files = (inv.flags.filename as string[] | undefined) ?? [];
  if (files.length === 0) throw new UsageError("policy test needs -f with the policies and the objects");
  const operation = (inv.str("operation") ?? "CREATE").toUpperCase();
  if (!["CREATE", "UPDATE", "DELETE"].includes(operation))
    throw new UsageError(`--operation must be CREATE, UPDATE or DELETE, got "${operation}"`);
  const labels: Record<string, string> = {};
  for (const kv of (inv.flags["cluster-labels"] as string[] | undefined) ?? []) {
    const eq = kv.indexOf("=");
    if (eq <= 0) throw new UsageError(`--cluster-labels takes key=value pairs, got "${kv}"`);
    labels[kv.slice(0, eq)] = kv.slice(eq + 1);
  }
  const docs = await readManifests(files, { recursive: inv.bool("recursive"), readStdin: inv.io.readStdin });
  const bad = docs.filter((d) => d.error);
  for (const d of bad) inv.io.err(`error: ${docLabel(d)}: ${d.error}\n`);
  if (bad.length > 0) return 1;
  const result = dryRun(
    docs.map((d) => d.object!),
    {
      user: inv.str("user") ?? "mcpctl-test",
      groups: (inv.flags.group as string[] | undefined) ?? [],
      operation: operation as PolicyOperation,
      clusters: Object.keys(labels).length > 0 ? [labels] : [],
    },
  );
  for (const p of result.invalid)
    inv.io.err(
      `error: ClusterPolicy "${p.policy}" is invalid:\n${p.causes.map((c) => `  * ${c.field}: ${c.message}\n`).join("")}`,
    );
  if (result.policies === 0 && result.invalid.length === 0)
    throw new CtlError("no ClusterPolicy found in the files given with -f");
  inv.io.out(formatTableOrData(format, result, verdictTable));
  inv.io.err(
    `${result.objects} object(s), ${result.policies} policy(ies): ${result.denied.length ? `denied: ${result.denied.join(", ")}` : "nothing denied"}\n`,
  );
  return result.invalid.length > 0 || result.denied.length > 0 ? 1 : 0;
}

function verdictTable(result: ReturnType<typeof dryRun>): string {
  if (result.rows.length === 0) return "No rule matches any of the objects.\n";
  return columns(
    [
      ["OBJECT", "POLICY", "RULE", "VERDICT", "MESSAGE"],
      ...result.rows.map((r) => [r.object, r.policy, r.rule, r.verdict, r.message]),
    ],
    "",
  );
}

export const policyCommand: Command = {
  name: "policy",
  usage: "mcpctl policy SUBCOMMAND [flags]",
  summary: "Fleet policy: compliance reports from the member audits, and dry-run tests of ClusterPolicies.",
  flags: [],
  subcommands: [report, test],
  examples: [
    "mcpctl policy report",
    "mcpctl policy test -f policy.yaml -f objects.yaml",
    "mcpctl get clusterpolicies",
  ],
};
