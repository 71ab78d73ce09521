// The member-apply contract shared by the agent (pull) and the hub's push syncer: what an update
// carries, what the applier remembers between runs, and how it is stored.
import type { Static } from "@sinclair/typebox";
import type {
  ManifestStatus as ManifestStatusSchema,
  Tombstone as TombstoneSchema,
} from "../apis/mcp.platform/v1/work.ts";
import type { KubeObject } from "../apis/meta/types.ts";
import type { ManifestId } from "../propagation/identity.ts";

export type Tombstone = Static<typeof TombstoneSchema>;
export type ManifestStatus = Static<typeof ManifestStatusSchema>;

/** One WorkUpdate, decoded. */
export interface WorkDelta {
  revision: number;
  /** Manifests to apply: the whole set when `full`, otherwise those changed above the acked revision. */
  manifests: KubeObject[];
  /** Manifests removed (delete, or orphan: leave the object without MCP's marks). */
  deletions: Tombstone[];
  /** The whole desired set: objects MCP applied before and not in it are deleted. */
  full: boolean;
}

export interface ApplierState {
  /** The last revision applied (never goes back, except through a full update). */
  ackedRevision: number;
  /** The current desired set. */
  desired: KubeObject[];
  /** Objects MCP created or adopted in the member and has not removed. */
  inventory?: ManifestId[];
  /** Removals not done yet (the member refused or could not be reached); retried on resync. */
  pendingDeletions?: Tombstone[];
}

export interface ApplierStatePersistence {
  /** The stored state, or undefined when there is none. */
  load(): Promise<ApplierState | undefined>;
  save(s: ApplierState): Promise<void>;
}
