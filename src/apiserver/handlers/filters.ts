// The label and field selectors of a list or watch request, compiled once per request.
import type { KubeObject } from "../../apis/meta/types.ts";
import { parseFieldSelector } from "../selectors/fields.ts";
import { parseLabelSelector } from "../selectors/labels.ts";
import type { RequestContext } from "./context.ts";

export type ObjectFilter = (obj: KubeObject) => boolean;

/** The filter of a request without selectors; watch uses its identity to skip decoding. */
export const MATCH_ALL: ObjectFilter = () => true;

export function compileFilter(ctx: RequestContext): ObjectFilter {
  const ls = ctx.query.get("labelSelector");
  const fs = ctx.query.get("fieldSelector");
  const labels = ls ? parseLabelSelector(ls) : undefined;
  const fields = fs ? parseFieldSelector(fs, { supported: ctx.rt.selectableFields ?? [] }) : undefined;
  if (labels?.empty() !== false && fields?.empty() !== false) return MATCH_ALL;
  return (obj) =>
    (labels ? labels.matches(obj.metadata.labels) : true) && (fields ? fields.matches(obj) : true);
}
