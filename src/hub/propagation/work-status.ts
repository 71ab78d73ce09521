// A member's acknowledgement → Work.status, for pull (WorkAck on the agent stream) and push (the
// hub's own applier) alike: appliedRevision, lastAppliedTime (when the revision moved), every
// manifest's status, and conditions Applied (every manifest applied at the acknowledged
// revision, no error) and Available (every manifest healthy). Written only when something
// changed, so an agent's periodic resync of a settled cluster costs no write.

import { Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import { ManifestStatus as ManifestStatusSchema } from "../../apis/mcp.platform/v1/work.ts";
import type { KubeObject } from "../../apis/meta/types.ts";
import type { InternalClient } from "../../apiserver/client/internal-client.ts";
import { jsonEqual } from "../../apiserver/patch/json-value.ts";
import { manifestKey } from "../../propagation/identity.ts";
import { applyConditions, type ConditionUpdate } from "../clusters/conditions.ts";
import { type ManifestStatus, type WorkStatus, workRef, workStatus } from "./work-object.ts";

export interface Ack {
  revision: number;
  statuses: ManifestStatus[];
  /** What the member side could not do at all (a malformed update, an unreachable member). */
  error?: string;
}

/** An agent's manifest_statuses_json is untrusted: bounded and shape-checked. */
export const MAX_STATUSES_BYTES = 3 * 1024 * 1024;
const MAX_MESSAGE = 1024;
const StatusList = Type.Array(ManifestStatusSchema);

export function parseManifestStatuses(json: string): ManifestStatus[] {
  if (Buffer.byteLength(json) > MAX_STATUSES_BYTES)
    throw new Error(`manifest statuses are larger than ${MAX_STATUSES_BYTES} bytes`);
  const v: unknown = json.trim() === "" ? [] : JSON.parse(json);
  if (!Value.Check(StatusList, v)) {
    const first = [...Value.Errors(StatusList, v)][0];
    throw new Error(`manifest statuses are malformed${first ? ` at ${first.path}: ${first.message}` : ""}`);
  }
  return v.map((s) => ({ ...s, ...(s.message ? { message: s.message.slice(0, MAX_MESSAGE) } : {}) }));
}

const describe = (s: ManifestStatus) =>
  `${s.identifier.kind} ${s.identifier.namespace ? `${s.identifier.namespace}/` : ""}${s.identifier.name}`;

function summary(list: ManifestStatus[], what: (s: ManifestStatus) => string): string {
  const shown = list.slice(0, 3).map((s) => `${describe(s)}: ${what(s)}`);
  return `${list.length} manifest(s): ${shown.join("; ")}${list.length > 3 ? "; …" : ""}`.slice(
    0,
    MAX_MESSAGE,
  );
}

export function ackConditions(ack: Ack): ConditionUpdate[] {
  const notApplied = ack.statuses.filter((s) => !s.applied);
  const applied: ConditionUpdate = ack.error
    ? { type: "Applied", status: "False", reason: "AgentError", message: ack.error.slice(0, MAX_MESSAGE) }
    : notApplied.length
      ? {
          type: "Applied",
          status: "False",
          reason: notApplied[0].reason ?? "ApplyFailed",
          message: `not applied: ${summary(notApplied, (s) => s.reason ?? s.message ?? "unknown")}`,
        }
      : { type: "Applied", status: "True", reason: "Applied", message: `revision ${ack.revision} applied` };
  const unhealthy = ack.statuses.filter((s) => s.health === "Unhealthy");
  const unknown = ack.statuses.filter((s) => s.health !== "Healthy" && s.health !== "Unhealthy");
  const available: ConditionUpdate = unhealthy.length
    ? {
        type: "Available",
        status: "False",
        reason: "Unhealthy",
        message: `unhealthy: ${summary(unhealthy, () => "Unhealthy")}`,
      }
    : unknown.length
      ? {
          type: "Available",
          status: "Unknown",
          reason: "Progressing",
          message: `not known yet: ${summary(unknown, () => "Unknown")}`,
        }
      : { type: "Available", status: "True", reason: "Available", message: "every manifest is healthy" };
  return [applied, available];
}

/** The Work's next status for an ack, or undefined when it would not change. */
export function nextWorkStatus(work: KubeObject, ack: Ack, now: Date): WorkStatus | undefined {
  const current = workStatus(work);
  const time = `${now.toISOString().slice(0, 19)}Z`;
  const statuses = [...ack.statuses].sort((a, b) =>
    manifestKey(a.identifier) < manifestKey(b.identifier) ? -1 : 1,
  );
  const { conditions } = applyConditions(current.conditions, ackConditions(ack), time);
  const next: WorkStatus = {
    ...current,
    conditions,
    appliedRevision: ack.revision,
    manifestStatuses: statuses,
  };
  // Revision 0 is nothing applied yet (an error ack before the first update): no applied time.
  if (ack.revision > 0)
    next.lastAppliedTime =
      current.appliedRevision === ack.revision && current.lastAppliedTime ? current.lastAppliedTime : time;
  return jsonEqual(next, current) ? undefined : next;
}

/**
 * Writes an ack onto the cluster's Work; returns the Work as stored afterwards (undefined when it
 * is gone) and whether the ack changed it. `base` is the Work as last seen (the propagation
 * cache's copy): the write starts from it instead of reading the store, and retries on conflicts
 * (the work builder writes the spec meanwhile).
 */
export async function recordAck(
  client: InternalClient,
  cluster: string,
  ack: Ack,
  opts: { now?: Date; base?: KubeObject } = {},
): Promise<{ work?: KubeObject; wrote: boolean }> {
  const now = opts.now ?? new Date();
  let wrote = false;
  const work = await client.mutate(
    workRef(cluster),
    (w) => {
      const status = nextWorkStatus(w, ack, now);
      wrote = status !== undefined;
      return status ? { ...w, status } : undefined;
    },
    { status: true, base: opts.base, owned: true },
  );
  return { work, wrote };
}
