// What to send an agent (docs/propagation.md, "Sync"): the manifests and tombstones of a Work
// above the revision the agent has (a delta), or all of it (`full`) when the agent has nothing or
// a revision this Work never reached (the Work was recreated).
//
// Size: an agent receives at most 4 MiB per gRPC message (its default). A delta is cut at
// revision boundaries into updates of at most `maxBytes`, each carrying the revision of the last
// change in it (the last one the Work's revision): an agent that acknowledges revision r has
// everything at or below r, so a cut is a valid resume point, and the work builder keeps one
// revision's changes under its budget (work-builder-plan.ts) so a cut is always possible. A full
// update cannot be cut (the agent removes whatever a full update does not name): when it does not
// fit and the agent has nothing (0), the same content goes as non-full deltas above 0, which an
// empty agent applies identically; when it does not fit and the agent has something (a recreated
// Work bigger than an update), nothing is sent and `oversize` says why (the sync logs it as an
// error): the agent is never fed a message it would refuse and reconnect to be refused again.
import type { WorkUpdate } from "../../apis/agent/v1/protocol.ts";
import type { WorkDelta } from "../../member-apply/types.ts";
import { manifestRevision } from "../../propagation/identity.ts";
import type { WorkSpec } from "./work-object.ts";

/** Default bound of one update's payload: under the agent's 4 MiB receive limit, with room for framing. */
export const MAX_UPDATE_BYTES = 3 * 1024 * 1024;

export interface DeltaPlan {
  updates: WorkUpdate[];
  /** Why nothing (or less than needed) could be sent. */
  oversize?: string;
}

/** Nothing to send: the agent is at (or, for a full, the Work is at) the revision. */
const NOTHING: DeltaPlan = { updates: [] };

interface Item {
  revision: number;
  json: string;
  tombstone: boolean;
}

function items(spec: WorkSpec, above: number): Item[] {
  const out: Item[] = [];
  for (const m of spec.manifests) {
    const r = manifestRevision(m);
    if (r > above) out.push({ revision: r, json: JSON.stringify(m), tombstone: false });
  }
  for (const t of spec.deletions)
    if (t.revision > above) out.push({ revision: t.revision, json: JSON.stringify(t), tombstone: true });
  return out.sort((a, b) => a.revision - b.revision);
}

function update(revision: number, list: Item[], full: boolean): WorkUpdate {
  return {
    revision,
    manifests_json: `[${list
      .filter((i) => !i.tombstone)
      .map((i) => i.json)
      .join(",")}]`,
    deletions_json: `[${list
      .filter((i) => i.tombstone)
      .map((i) => i.json)
      .join(",")}]`,
    full,
  };
}

const bytes = (u: WorkUpdate) => Buffer.byteLength(u.manifests_json) + Buffer.byteLength(u.deletions_json);

/** The delta above `above`, cut into updates of at most `maxBytes` at revision boundaries. */
export function deltaUpdates(spec: WorkSpec, above: number, maxBytes = MAX_UPDATE_BYTES): DeltaPlan {
  if (spec.revision <= above) return NOTHING;
  const all = items(spec, above);
  const updates: WorkUpdate[] = [];
  let oversize: string | undefined;
  let chunk: Item[] = [];
  let size = 0;
  for (let i = 0; i < all.length; ) {
    // One revision's items go together.
    let j = i;
    let groupSize = 0;
    while (j < all.length && all[j].revision === all[i].revision)
      groupSize += Buffer.byteLength(all[j++].json) + 1;
    if (chunk.length && size + groupSize > maxBytes) {
      updates.push(update(chunk[chunk.length - 1].revision, chunk, false));
      chunk = [];
      size = 0;
    }
    if (groupSize > maxBytes)
      oversize = `revision ${all[i].revision} alone is ${groupSize} bytes, above the ${maxBytes}-byte update limit`;
    chunk.push(...all.slice(i, j));
    size += groupSize;
    i = j;
  }
  updates.push(update(spec.revision, chunk, false));
  return { updates, ...(oversize ? { oversize } : {}) };
}

/** Everything: the whole desired set and every pending tombstone. */
export function fullUpdates(spec: WorkSpec, agentRevision: number, maxBytes = MAX_UPDATE_BYTES): DeltaPlan {
  if (spec.revision === 0) return NOTHING;
  const full = update(spec.revision, items(spec, -1), true);
  if (bytes(full) <= maxBytes) return { updates: [full] };
  if (agentRevision === 0) return deltaUpdates(spec, 0, maxBytes);
  return {
    updates: [],
    oversize: `a full update of revision ${spec.revision} is ${bytes(full)} bytes, above the ${maxBytes}-byte limit of one update, and cannot be split while the agent holds revision ${agentRevision} of an earlier Work`,
  };
}

/**
 * What an agent at `agentRevision` (from its Hello) needs: full when it has nothing or is ahead of
 * this Work, the delta above its revision otherwise.
 */
export function resumeUpdates(spec: WorkSpec, agentRevision: number, maxBytes = MAX_UPDATE_BYTES): DeltaPlan {
  if (agentRevision === 0 || agentRevision > spec.revision) return fullUpdates(spec, agentRevision, maxBytes);
  return deltaUpdates(spec, agentRevision, maxBytes);
}

/** The same content for an applier without the wire: everything (full) or what is above `above`. */
export function workDelta(spec: WorkSpec, above: number | "full"): WorkDelta {
  const full = above === "full";
  const from = full ? -1 : above;
  return {
    revision: spec.revision,
    manifests: spec.manifests.filter((m) => manifestRevision(m) > from),
    deletions: spec.deletions.filter((t) => t.revision > from),
    full,
  };
}
