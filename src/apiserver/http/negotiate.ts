// Content negotiation on Accept: JSON (default), YAML, or server-side printed Tables and
// metadata-only objects as kubectl asks for them (`application/json;as=Table;v=v1;g=meta.k8s.io`).
import { errors } from "../errors.ts";

export type Encoding = "json" | "yaml";
export type Transform = "none" | "table" | "partial";

export interface Negotiated {
  encoding: Encoding;
  transform: Transform;
}

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

function parseAccept(accept: string): MediaRange[] {
  return accept
    .split(",")
    .map((part) => {
      const [type, ...rawParams] = part.split(";").map((s) => s.trim());
      const params: Record<string, string> = {};
      for (const p of rawParams) {
        const eq = p.indexOf("=");
        if (eq > 0) params[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
      }
      return { type: type.toLowerCase(), params };
    })
    .filter((m) => m.type !== "");
}

/** Picks the first acceptable representation in the client's order. */
export function negotiate(accept: string | undefined, allowTransforms: boolean): Negotiated {
  if (!accept) return { encoding: "json", transform: "none" };
  const ranges = parseAccept(accept);
  for (const m of ranges) {
    const encoding = encodingOf(m.type);
    if (!encoding) continue;
    const as = m.params.as;
    if (!as) return { encoding, transform: "none" };
    if (!allowTransforms || m.params.g !== "meta.k8s.io" || !["v1", "v1beta1"].includes(m.params.v ?? ""))
      continue;
    if (as === "Table") return { encoding, transform: "table" };
    if (as === "PartialObjectMetadata" || as === "PartialObjectMetadataList")
      return { encoding, transform: "partial" };
  }
  throw errors.notAcceptable(
    `only the following media types are accepted: application/json, application/yaml, application/json;as=Table;v=v1;g=meta.k8s.io`,
  );
}

function encodingOf(type: string): Encoding | undefined {
  if (type === "application/json" || type === "*/*" || type === "application/*") return "json";
  if (type === "application/yaml") return "yaml";
  return undefined;
}
