// What a push cluster's failed sync pass tells (the applier threw: no credential, a member that
// cannot be reached at all, ...): no ack reaches Work.status, so the status controller would never
// see it. Each binding delivering to the cluster gets a SyncFailed on its template and itself,
// made by the status controller's own statusEvents (events.ts) as if that cluster's entry had
// become this failure — same message form, and nothing when the binding's stored status already
// shows this very failure for the cluster. The syncer calls it once per distinct failure in a
// row, not on every retry.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { EventInput } from "../events/recorder.ts";
import { type StatusTransition, statusEvents } from "./events.ts";

/** The reason a failed pass gives the cluster's entry, as a failed manifest apply does. */
export const PUSH_SYNC_FAILED_REASON = "ApplyFailed";

export function pushSyncFailureEvents(
  bindings: KubeObject[],
  cluster: string,
  message: string,
): EventInput[] {
  return bindings.flatMap((binding) => {
    return statusEvents({
      binding,
      before: (binding.status ?? {}) as StatusTransition["before"],
      aggregatedStatus: [{ cluster, applied: false, reason: PUSH_SYNC_FAILED_REASON, message }],
      // Not a status write: nothing to say about FullyApplied.
      fullyApplied: { type: "FullyApplied", status: "False", reason: "Pending", message: "" },
    });
  });
}
