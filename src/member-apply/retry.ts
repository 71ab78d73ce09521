// When a request to a member is worth repeating at once, and after how long. kube-apiserver
// answers 429 when API Priority and Fairness sheds load and 5xx with Retry-After while it starts,
// stops or times out a request; client-go repeats those (up to 10 times) after the Retry-After it
// was given. A load balancer in front of the apiserver (managed clusters, HA setups) answers
// 502/503/504 without one. Everything else (a 500 from a failing webhook, a 409, a 422) is not
// repeated here: the next resync tries again.
//
// Every request MCP makes to a member is safe to repeat: server-side apply and merge patches say
// the whole desired state, GETs read, and a DELETE repeated after it succeeded finds nothing.

/** Repeats after the first attempt. */
export const MAX_RETRIES = 3;
/** The longest wait honoured from a Retry-After header. */
const MAX_RETRY_AFTER_MS = 10_000;
/** The first wait when the server names none; doubled after each attempt. */
const BASE_DELAY_MS = 250;

/**
 * The wait before repeating a request that got `code` (with its Retry-After header, if any) on
 * attempt `attempt` (0 for the first); undefined when it should not be repeated.
 */
export function retryDelayMs(
  code: number,
  retryAfter: string | undefined,
  attempt: number,
): number | undefined {
  if (attempt >= MAX_RETRIES) return undefined;
  const after = parseRetryAfter(retryAfter);
  const backoff = BASE_DELAY_MS * 2 ** attempt;
  if (code === 429 || (code >= 500 && code <= 599 && after !== undefined))
    return Math.min(after ?? backoff, MAX_RETRY_AFTER_MS);
  if (code === 502 || code === 503 || code === 504) return backoff;
  return undefined;
}

/** Retry-After in seconds (kube-apiserver's form) or as an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(v: string | undefined, now = Date.now()): number | undefined {
  if (!v?.trim()) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
