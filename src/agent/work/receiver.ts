// The agent's WorkReceiver: the hub's WorkUpdates are applied to the member strictly one at a
// time in arrival order, each answered with a WorkAck (the revision now acked and every
// manifest's status). While the stream is welcomed, a resync runs every sync interval (first at
// once, so a reconnect refreshes the hub's view): it reverts drift and sends a WorkAck when the
// statuses changed or drift was found, and at least every `keepaliveIntervals` intervals. Updates
// and resyncs share one queue, so they never overlap. An update already being applied when its
// stream ends runs to completion (it is in order; the next Hello reports the revision reached);
// those still queued are dropped. After an update leaves objects not yet Healthy (a new
// Deployment's pods starting), extra resyncs follow sooner than the interval — after
// `followUpMs`, then doubling — until they are Healthy or the interval is reached, so the hub sees
// a rollout become available in about a second rather than a sync interval later.
import type { Logger } from "pino";
import type { WorkUpdate } from "../../apis/agent/v1/protocol.ts";
import { FIRST_FOLLOW_UP_MS, settling } from "../../member-apply/health.ts";
import type { ManifestStatus, WorkDelta } from "../../member-apply/types.ts";
import type { SessionLink, WorkReceiver } from "../session.ts";
import { decodeWorkUpdate } from "./decode.ts";

/** What the receiver needs of src/member-apply's MemberApplier. */
export interface WorkApplier {
  readonly ackedRevision: number;
  statuses(): ManifestStatus[];
  apply(update: WorkDelta, signal?: AbortSignal): Promise<ManifestStatus[] | undefined>;
  resync(signal?: AbortSignal): Promise<ManifestStatus[]>;
}

export interface WorkSyncOptions {
  applier: WorkApplier;
  log: Logger;
  /** An unchanged status is still sent after this many sync intervals. Default 5. */
  keepaliveIntervals?: number;
  /** First early resync after an update that left objects not Healthy. Default 1000 ms. */
  followUpMs?: number;
}

export class WorkSync implements WorkReceiver {
  private readonly applier: WorkApplier;
  private readonly log: Logger;
  private readonly keepalive: number;
  private queue: { update: WorkUpdate; link: SessionLink }[] = [];
  private busy = false;
  private resyncDue = false;
  private link: SessionLink | undefined;
  private timer: NodeJS.Timeout | undefined;
  private intervalMs = 0;
  /** The statuses last sent on the current link (JSON), and resyncs since anything was sent. */
  private lastSent: string | undefined;
  private quietResyncs = 0;
  private readonly firstFollowUpMs: number;
  /** The delay of the next early resync; 0 when none is due. */
  private followUpMs = 0;
  private followUpTimer: NodeJS.Timeout | undefined;

  constructor(opts: WorkSyncOptions) {
    this.applier = opts.applier;
    this.log = opts.log;
    this.keepalive = opts.keepaliveIntervals ?? 5;
    this.firstFollowUpMs = opts.followUpMs ?? FIRST_FOLLOW_UP_MS;
  }

  ackedRevision(): number {
    return this.applier.ackedRevision;
  }

  welcomed(link: SessionLink): void {
    const fresh = link !== this.link;
    if (fresh) {
      this.link = link;
      this.lastSent = undefined;
      this.quietResyncs = 0;
    }
    if (fresh || link.syncIntervalMs !== this.intervalMs) {
      this.intervalMs = link.syncIntervalMs;
      this.tick();
    }
  }

  update(update: WorkUpdate, link: SessionLink): void {
    this.queue.push({ update, link });
    void this.pump();
  }

  ended(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    clearTimeout(this.followUpTimer);
    this.followUpMs = 0;
    this.link = undefined;
    // Updates of a stream that ended are not acked anywhere; the next Hello says where to resume.
    this.queue = [];
    this.resyncDue = false;
  }

  private tick(): void {
    clearTimeout(this.timer);
    this.resyncDue = true;
    void this.pump();
    // The stream keeps the agent alive, not this timer.
    this.timer = setTimeout(() => this.tick(), Math.max(this.intervalMs, 100)).unref();
  }

  private async pump(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next) await this.applyUpdate(next.update, next.link);
        else if (this.resyncDue) {
          this.resyncDue = false;
          await this.resync();
        } else break;
      }
    } finally {
      this.busy = false;
    }
  }

  private async applyUpdate(update: WorkUpdate, link: SessionLink): Promise<void> {
    let error = "";
    try {
      const { delta, problems } = decodeWorkUpdate(update);
      error = problems.join("; ");
      const applied = await this.applier.apply(delta);
      if (!applied)
        this.log.debug({ revision: update.revision }, "Work update at or below the acked revision");
    } catch (e) {
      error = `Work update ${update.revision} not applied: ${(e as Error).message}`;
      this.log.warn({ revision: update.revision, err: (e as Error).message }, "cannot apply a Work update");
    }
    this.send(link, error);
    this.followUpMs = this.firstFollowUpMs;
    this.scheduleFollowUp();
  }

  /** An early resync while applied objects are not yet Healthy (bounded by the interval). */
  private scheduleFollowUp(): void {
    clearTimeout(this.followUpTimer);
    if (!settling(this.applier.statuses()) || !this.link || this.followUpMs >= this.intervalMs) {
      this.followUpMs = 0;
      return;
    }
    this.followUpTimer = setTimeout(() => {
      this.resyncDue = true;
      void this.pump();
    }, this.followUpMs).unref();
  }

  private async resync(): Promise<void> {
    const link = this.link;
    if (!link) return;
    let statuses: ManifestStatus[];
    try {
      statuses = await this.applier.resync();
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, "Work resync failed");
      return;
    }
    if (link !== this.link) return;
    if (this.applier.ackedRevision === 0 && statuses.length === 0) return;
    // The keepalive counts sync intervals; early resyncs after an update do not count.
    if (!this.followUpMs) this.quietResyncs++;
    const changed = JSON.stringify(statuses) !== this.lastSent;
    const drift = statuses.some((s) => s.drift?.length);
    if (changed || drift || this.quietResyncs >= this.keepalive) this.send(link, "");
    if (this.followUpMs) {
      this.followUpMs *= 2;
      this.scheduleFollowUp();
    }
  }

  private send(link: SessionLink, error: string): void {
    const json = JSON.stringify(this.applier.statuses());
    link.send({
      work_ack: { revision: this.applier.ackedRevision, manifest_statuses_json: json, error },
    });
    if (link === this.link) {
      this.lastSent = json;
      this.quietResyncs = 0;
    }
  }
}
