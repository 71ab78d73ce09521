// Human-readable durations exactly as k8s.io/apimachinery/pkg/util/duration.HumanDuration prints
// them (the AGE column), and the printers' translateTimestampSince helper.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;

/** HumanDuration for a duration in milliseconds: ~2-3 significant figures (5s, 3m20s, 5h, 3d4h, 2y100d). */
export function humanDuration(ms: number): string {
  // Go truncates toward zero; up to 2s in the future is tolerated as clock skew.
  const seconds = Math.trunc(ms / SECOND);
  if (seconds < -1) return "<invalid>";
  if (seconds < 0) return "0s";
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.trunc(ms / MINUTE);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.trunc(ms / HOUR);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  const days = Math.trunc(hours / 24);
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${days}d` : `${days}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${days}d`;
  const years = Math.trunc(days / 365);
  if (hours < 24 * 365 * 8) {
    const dy = days % 365;
    return dy === 0 ? `${years}y` : `${years}y${dy}d`;
  }
  return `${years}y`;
}

/** Milliseconds since the epoch for an RFC 3339 timestamp; undefined when missing or unparsable. */
export function parseTimestamp(ts: unknown): number | undefined {
  if (typeof ts !== "string" || ts === "") return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : t;
}

/** translateTimestampSince: `<unknown>` for a missing timestamp, otherwise the age at `now`. */
export function since(ts: unknown, now: number): string {
  const t = parseTimestamp(ts);
  return t === undefined ? "<unknown>" : humanDuration(now - t);
}
