// Writing responses: JSON or YAML bodies, Kubernetes Warning headers, and Status errors.
import type { ServerResponse } from "node:http";
import { stringify as toYaml } from "yaml";
import type { ApiError } from "../errors.ts";
import type { Encoding } from "./negotiate.ts";

/** Kubernetes' Warning header format: `299 - "text"` (RFC 7234 warn-code 299, agent "-"). */
export function warningHeader(text: string): string {
  return `299 - "${text.replace(/["\\]/g, "\\$&").replace(/[\r\n]+/g, " ")}"`;
}

export function writeBody(
  res: ServerResponse,
  code: number,
  body: unknown,
  opts: { encoding?: Encoding; warnings?: string[] } = {},
): void {
  if (res.headersSent) return;
  const yaml = opts.encoding === "yaml";
  const text = yaml ? toYaml(body) : JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    "content-type": yaml ? "application/yaml" : "application/json",
    "content-length": String(Buffer.byteLength(text)),
    "cache-control": "no-cache, private",
  };
  if (opts.warnings && opts.warnings.length > 0) headers.warning = opts.warnings.map(warningHeader);
  res.writeHead(code, headers);
  res.end(text);
}

export function writeError(res: ServerResponse, err: ApiError, encoding: Encoding = "json"): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  writeBody(res, err.code, err.toStatus(), { encoding });
}
