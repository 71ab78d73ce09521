// Validation of mcp-diag's reports, for tests and for anyone consuming them: the JSON report
// against report.schema.json (with the API server's structural-schema validator), and a SARIF log
// against the essentials of SARIF 2.1.0 that code-scanning tools rely on.
import { readFileSync } from "node:fs";
import { type Schema, validateSchema } from "../../apiserver/validation/schema.ts";

export const REPORT_SCHEMA = JSON.parse(
  readFileSync(new URL("./report.schema.json", import.meta.url), "utf8"),
) as Schema;

/** Schema violations of a report (required, types, enums, unknown fields); [] when valid. */
export function reportErrors(report: unknown): string[] {
  const r = validateSchema(REPORT_SCHEMA, structuredClone(report));
  return [
    ...r.causes.map((c) => `${c.field}: ${c.message}`),
    ...r.unknownFields.map((f) => `${f}: unknown field`),
  ];
}

/** The essentials of SARIF 2.1.0 (sarif-schema-2.1.0.json's required properties) and what we promise on top. */
export function sarifErrors(log: Record<string, unknown>): string[] {
  const errs: string[] = [];
  if (log.version !== "2.1.0") errs.push("version must be 2.1.0");
  const runs = log.runs as Record<string, unknown>[] | undefined;
  if (!Array.isArray(runs) || runs.length === 0) return [...errs, "runs must be a non-empty array"];
  for (const [i, run] of runs.entries()) {
    const driver = (run.tool as { driver?: { name?: unknown; rules?: { id?: unknown }[] } })?.driver;
    if (typeof driver?.name !== "string" || !driver.name)
      errs.push(`runs[${i}].tool.driver.name is required`);
    const ids = new Set((driver?.rules ?? []).map((r) => r.id));
    for (const [j, res] of ((run.results as Record<string, unknown>[]) ?? []).entries()) {
      const where = `runs[${i}].results[${j}]`;
      const text = (res.message as { text?: unknown })?.text;
      if (typeof text !== "string" || !text) errs.push(`${where}.message.text is required`);
      if (typeof res.ruleId !== "string") errs.push(`${where}.ruleId is required`);
      else if (!ids.has(res.ruleId)) errs.push(`${where}.ruleId ${res.ruleId} has no rule`);
      if (!["error", "warning", "note", "none"].includes(res.level as string)) errs.push(`${where}.level`);
    }
  }
  return errs;
}
