// What a Heartbeat's status_json carries: the collector's observed status, or — when the agent
// is alive but cannot read its member (apiserver down, certificate or credential rejected) — a
// report of that, so the hub can tell "member unreachable" (Reachable=False) from "agent gone"
// (no heartbeats: Ready=Unknown).

export interface UnreachableReport {
  unreachable: {
    message: string;
    /** The collector's failure kind: network, tls or unauthorized. */
    kind?: string;
  };
  observedAt: string;
}

export function unreachableReport(e: unknown, now: Date = new Date()): UnreachableReport {
  const message = e instanceof Error ? e.message : String(e);
  const kind = (e as { kind?: unknown } | undefined)?.kind;
  return {
    unreachable: { message, ...(typeof kind === "string" ? { kind } : {}) },
    observedAt: now.toISOString(),
  };
}

/** The report inside a decoded heartbeat, or undefined for an ordinary observed status. */
export function asUnreachableReport(observed: object): UnreachableReport["unreachable"] | undefined {
  const u = (observed as Partial<UnreachableReport>).unreachable;
  return u && typeof u === "object" && typeof u.message === "string" ? u : undefined;
}
