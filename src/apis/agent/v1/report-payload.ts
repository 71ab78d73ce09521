// The object an agent's Report carries (object_json): untrusted input, so sized before it is
// parsed. Every report kind (DiagnosticReport, PolicyReport) starts its checks here.

/** An agent's report larger than this is refused (a real one is a few hundred KiB at most). */
export const MAX_REPORT_BYTES = 1024 * 1024;

/** A Report's object_json parsed, or an Error when it is too large or not JSON. */
export function parseReportPayload(json: string): unknown {
  if (Buffer.byteLength(json) > MAX_REPORT_BYTES)
    return new Error(`report larger than ${MAX_REPORT_BYTES} bytes`);
  try {
    return JSON.parse(json);
  } catch {
    return new Error("report is not JSON");
  }
}
