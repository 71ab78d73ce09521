// `mcp-diag scan -o sarif`: SARIF 2.1.0 for code-scanning dashboards and CI annotations. One run
// per cluster; one rule per check (plus the framework's MCP-DIAG rules); one result per finding,
// located by a logical location "namespace/Kind/name" ("Kind/name" when cluster-scoped), since
// cluster objects have no file to point at.
import { MCP_VERSION } from "../../cli/version.ts";
import { FRAMEWORK_RULES, objectName, type ScanResult } from "../scan.ts";
import type { Check, Severity } from "../types.ts";
import type { ReportMeta } from "./json.ts";

export const SARIF_SCHEMA =
  "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

type Level = "error" | "warning" | "note";
const LEVEL: Record<Severity, Level> = { error: "error", warning: "warning", info: "note" };

type RuleSource = Pick<Check, "code" | "title" | "severity" | "description"> & { area?: string };

export function sarifLog(result: ScanResult, meta: ReportMeta, checks: Check[]): Record<string, unknown> {
  const ran = new Set(result.checks.map((c) => c.code));
  const sources: RuleSource[] = [...checks.filter((c) => ran.has(c.code)), ...FRAMEWORK_RULES];
  const index = new Map(sources.map((r, i) => [r.code, i]));
  const rules = sources.map((r) => ({
    id: r.code,
    name: pascal(r.title),
    shortDescription: { text: r.title },
    fullDescription: { text: r.description || r.title },
    defaultConfiguration: { level: LEVEL[r.severity] },
    properties: { ...(r.area ? { area: r.area } : {}), tags: ["kubernetes", r.area ?? "mcp-diag"] },
  }));
  const results = result.findings.map((f) => ({
    ruleId: f.code,
    ...(index.has(f.code) ? { ruleIndex: index.get(f.code) } : {}),
    level: LEVEL[f.severity],
    message: { text: `${f.message} Fix: ${f.fix}` },
    ...(f.object
      ? {
          locations: [
            {
              logicalLocations: [
                {
                  name: f.object.name,
                  fullyQualifiedName: objectName(f.object),
                  kind: "object",
                },
              ],
            },
          ],
        }
      : {}),
    properties: { fix: f.fix, ...(f.object ? { object: f.object } : {}) },
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "mcp-diag",
            version: MCP_VERSION,
            rules,
          },
        },
        automationDetails: { id: `mcp-diag/${meta.cluster}/` },
        invocations: [{ executionSuccessful: true, endTimeUtc: meta.scannedAt.toISOString() }],
        results,
        properties: {
          cluster: meta.cluster,
          kubernetesVersion: result.kubernetesVersion,
          ...(result.targetVersion ? { targetVersion: result.targetVersion } : {}),
          score: result.score,
          summary: result.summary,
          unreadable: meta.unreadable,
        },
      },
    ],
  };
}

export function formatSarif(result: ScanResult, meta: ReportMeta, checks: Check[]): string {
  return `${JSON.stringify(sarifLog(result, meta, checks), null, 2)}\n`;
}

/** SARIF rule names are identifiers: "Service selects no pods" → "ServiceSelectsNoPods". */
function pascal(title: string): string {
  return title
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join("");
}
