// A WorkUpdate off the wire → the applier's WorkDelta. JSON that does not parse rejects the whole
// update (nothing is applied, the ack says why); single entries without an identity are left out
// and named, so the rest still applies.
import type { WorkUpdate } from "../../apis/agent/v1/protocol.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { Tombstone, WorkDelta } from "../../member-apply/types.ts";

export interface DecodedUpdate {
  delta: WorkDelta;
  /** Entries left out, one line each. */
  problems: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const isName = (v: unknown): v is string => typeof v === "string" && v !== "";

function parseArray(text: string, what: string): unknown[] {
  if (text.trim() === "") return [];
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    throw new Error(`${what} is not JSON: ${(e as Error).message}`);
  }
  if (!Array.isArray(v)) throw new Error(`${what} is not a JSON array`);
  return v;
}

export function decodeWorkUpdate(u: WorkUpdate): DecodedUpdate {
  if (!Number.isSafeInteger(u.revision) || u.revision < 0)
    throw new Error(`revision ${u.revision} is not a non-negative integer`);
  const problems: string[] = [];
  const manifests: KubeObject[] = [];
  parseArray(u.manifests_json, "manifests_json").forEach((m, i) => {
    const meta = isObject(m) && isObject(m.metadata) ? m.metadata : undefined;
    if (isObject(m) && isName(m.apiVersion) && isName(m.kind) && meta && isName(meta.name))
      manifests.push(m as KubeObject);
    else problems.push(`manifest ${i} has no apiVersion, kind and metadata.name; left out`);
  });
  const deletions: Tombstone[] = [];
  parseArray(u.deletions_json, "deletions_json").forEach((d, i) => {
    if (!isObject(d) || !isName(d.apiVersion) || !isName(d.kind) || !isName(d.name)) {
      problems.push(`deletion ${i} has no apiVersion, kind and name; left out`);
      return;
    }
    deletions.push({
      apiVersion: d.apiVersion,
      kind: d.kind,
      name: d.name,
      ...(isName(d.namespace) ? { namespace: d.namespace } : {}),
      revision: typeof d.revision === "number" ? d.revision : u.revision,
      ...(d.orphan === true ? { orphan: true } : {}),
    });
  });
  return { delta: { revision: u.revision, manifests, deletions, full: u.full === true }, problems };
}
