// Reading request bodies (with a size limit) and decoding them by Content-Type.
import type { IncomingMessage } from "node:http";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { errors } from "../errors.ts";

export const DEFAULT_MAX_BODY_BYTES = 3 * 1024 * 1024;

export type BodyFormat =
  | "json"
  | "yaml"
  | "merge-patch"
  | "json-patch"
  | "strategic-merge-patch"
  | "apply-patch";

export function bodyFormat(contentType: string | undefined, forPatch: boolean): BodyFormat {
  const ct = (contentType ?? "application/json").split(";")[0].trim().toLowerCase();
  if (forPatch) {
    if (ct === "application/merge-patch+json") return "merge-patch";
    if (ct === "application/json-patch+json") return "json-patch";
    if (ct === "application/strategic-merge-patch+json") return "strategic-merge-patch";
    if (ct === "application/apply-patch+yaml" || ct === "application/apply-patch+cbor") {
      if (ct.endsWith("cbor")) throw errors.unsupportedMediaType(ct);
      return "apply-patch";
    }
    throw errors.unsupportedMediaType(ct);
  }
  if (ct === "application/json" || ct === "" || ct === "*/*") return "json";
  if (ct === "application/yaml" || ct === "application/x-yaml" || ct === "text/yaml") return "yaml";
  throw errors.unsupportedMediaType(ct);
}

export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers["content-length"] ?? "0");
  if (declared > limit) {
    req.resume();
    throw errors.tooLarge(limit);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      req.resume();
      throw errors.tooLarge(limit);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

/** Decodes a JSON or YAML body into a value; syntax errors are 400s naming the position. */
export function decodeBody(text: string, format: BodyFormat): unknown {
  if (text.trim() === "") throw errors.badRequest("the request body is empty");
  if (format === "yaml" || format === "apply-patch") return decodeYaml(text);
  try {
    return JSON.parse(text);
  } catch (e) {
    throw errors.badRequest(`the request body is not valid JSON: ${(e as Error).message}`);
  }
}

function decodeYaml(text: string): unknown {
  const docs = parseAllDocuments(text);
  if (Array.isArray(docs) && docs.length > 1)
    throw errors.badRequest("the request body must hold one YAML document");
  try {
    return parseYaml(text, { strict: true, uniqueKeys: true, maxAliasCount: 100 });
  } catch (e) {
    const msg = (e as Error).message.split("\n")[0];
    throw errors.badRequest(`the request body is not valid YAML: ${msg}`);
  }
}
