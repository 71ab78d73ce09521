// `mcpctl policy report`'s summary, pure so it is tested without a hub: compliance per cluster
// (from each PolicyReport), per policy across clusters, and the failures listed in the reports;
// as tables, or as one object for -o json|yaml.
import type { PolicyReportStatus, PolicyResultEntry } from "../../policy/policy-types.ts";
import { columns, humanAge } from "../describe-format.ts";

export interface ClusterReport {
  cluster: string;
  /** Undefined: the cluster has no PolicyReport yet. */
  status?: PolicyReportStatus;
}

type Counts = { pass: number; fail: number; warn: number; error: number };

export interface ClusterCompliance extends Counts {
  cluster: string;
  policies: number;
  objectsAudited: number;
  /** Percentage of rule evaluations that passed; null when nothing was evaluated. */
  compliance: number | null;
  lastAuditTime?: string;
  /** Why the cluster has no usable audit (no report yet, member unreachable, ...). */
  auditError?: string;
}

export interface PolicyCompliance extends Counts {
  policy: string;
  clusters: number;
  /** Clusters where every evaluation of the policy passed. */
  compliantClusters: number;
}

export interface ComplianceSummary {
  clusters: ClusterCompliance[];
  policies: PolicyCompliance[];
  results: (PolicyResultEntry & { cluster: string })[];
}

const percent = (c: Counts): number | null => {
  const total = c.pass + c.fail + c.warn + c.error;
  return total === 0 ? null : Math.floor((c.pass / total) * 1000) / 10;
};

export function summarize(reports: ClusterReport[]): ComplianceSummary {
  const clusters: ClusterCompliance[] = [];
  const policies = new Map<string, PolicyCompliance>();
  const results: ComplianceSummary["results"] = [];
  for (const r of [...reports].sort((a, b) => (a.cluster < b.cluster ? -1 : 1))) {
    const s = r.status;
    const counts = s?.summary ?? { pass: 0, fail: 0, warn: 0, error: 0 };
    clusters.push({
      cluster: r.cluster,
      policies: s?.policies?.length ?? 0,
      objectsAudited: s?.objectsAudited ?? 0,
      ...counts,
      compliance: percent(counts),
      ...(s?.lastAuditTime ? { lastAuditTime: s.lastAuditTime } : {}),
      ...(s ? (s.error ? { auditError: s.error } : {}) : { auditError: "no report yet" }),
    });
    for (const p of s?.policies ?? []) {
      const e = policies.get(p.name) ?? {
        policy: p.name,
        clusters: 0,
        compliantClusters: 0,
        pass: 0,
        fail: 0,
        warn: 0,
        error: 0,
      };
      e.clusters++;
      if (p.fail + p.warn + p.error === 0) e.compliantClusters++;
      e.pass += p.pass;
      e.fail += p.fail;
      e.warn += p.warn;
      e.error += p.error;
      policies.set(p.name, e);
    }
    for (const x of s?.results ?? []) results.push({ cluster: r.cluster, ...x });
  }
  return {
    clusters,
    policies: [...policies.values()].sort((a, b) => (a.policy < b.policy ? -1 : 1)),
    results,
  };
}

const pct = (v: number | null) => (v === null ? "-" : `${v}%`);

/** The three tables; at most `maxResults` failures are listed. */
export function formatCompliance(s: ComplianceSummary, now: number, maxResults = 50): string {
  const out: string[] = [];
  out.push(
    columns(
      [
        [
          "CLUSTER",
          "POLICIES",
          "OBJECTS",
          "PASS",
          "FAIL",
          "WARN",
          "ERROR",
          "COMPLIANCE",
          "LAST AUDIT",
          "STATUS",
        ],
        ...s.clusters.map((c) => [
          c.cluster,
          String(c.policies),
          String(c.objectsAudited),
          String(c.pass),
          String(c.fail),
          String(c.warn),
          String(c.error),
          pct(c.compliance),
          c.lastAuditTime ? `${humanAge(c.lastAuditTime, now)} ago` : "-",
          c.auditError ?? "ok",
        ]),
      ],
      "",
    ),
  );
  if (s.policies.length > 0)
    out.push(
      columns(
        [
          ["POLICY", "CLUSTERS", "COMPLIANT", "PASS", "FAIL", "WARN", "ERROR", "COMPLIANCE"],
          ...s.policies.map((p) => [
            p.policy,
            String(p.clusters),
            `${p.compliantClusters}/${p.clusters}`,
            String(p.pass),
            String(p.fail),
            String(p.warn),
            String(p.error),
            pct(percent(p)),
          ]),
        ],
        "",
      ),
    );
  if (s.results.length > 0) {
    const shown = s.results.slice(0, maxResults);
    let table = columns(
      [
        ["CLUSTER", "POLICY", "RULE", "ACTION", "RESULT", "RESOURCE", "MESSAGE"],
        ...shown.map((r) => [
          r.cluster,
          r.policy,
          r.rule ?? "-",
          r.action ?? "-",
          r.result,
          resourceRef(r.resource),
          r.message ?? "",
        ]),
      ],
      "",
    );
    if (s.results.length > shown.length)
      table += `(${s.results.length - shown.length} more: use --cluster NAME or -o json)\n`;
    out.push(table);
  } else out.push("No violations reported.\n");
  return out.join("\n");
}

function resourceRef(r: PolicyResultEntry["resource"]): string {
  if (!r) return "-";
  const kind = r.kind.toLowerCase();
  return r.namespace ? `${kind}/${r.namespace}/${r.name}` : `${kind}/${r.name}`;
}
