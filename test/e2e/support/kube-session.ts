// One portable kubectl suite's session: the target cluster (support/target.ts) and a namespace
// of its own, created before the suite's tests and deleted after them, plus the kubectl calls
// the suites repeat (in the namespace, rollout status with a timeout, pods as JSON).
import { after, before } from "node:test";
import { startTarget, type Target, type TargetOptions, uniqueName } from "./target.ts";
import type { PodView } from "./workloads.ts";

/** Long enough for a real cluster to pull nginx; mcp-sim needs a few seconds. */
export const ROLLOUT_TIMEOUT = process.env.MCP_E2E_ROLLOUT_TIMEOUT ?? "60s";
export const ROLLOUT_MS = durationMs(ROLLOUT_TIMEOUT);
/** For eventually(): as patient as a rollout, polling 4 times a second. */
export const SETTLE = { timeoutMs: ROLLOUT_MS, intervalMs: 250 };
/** A test's own time limit: a few rollouts' worth. */
export const TEST_TIMEOUT = { timeout: ROLLOUT_MS * 3 + 30_000 };

/** kubectl's --timeout values used here: "90s", "2m". */
function durationMs(text: string): number {
  const m = /^(\d+)(s|m)$/.exec(text);
  if (!m) throw new Error(`MCP_E2E_ROLLOUT_TIMEOUT must look like 60s or 2m, got "${text}"`);
  return Number(m[1]) * (m[2] === "m" ? 60_000 : 1000);
}

export interface KubeSession {
  /** Set in before(). */
  target: Target;
  /** The suite's namespace, set in before(). */
  ns: string;
  ok(args: string[], timeoutMs?: number): Promise<string>;
  k(args: string[], timeoutMs?: number): ReturnType<Target["kubectl"]>;
  /** kubectl -n <ns> ...; must succeed. */
  inNs(args: string[], timeoutMs?: number): Promise<string>;
  /** kubectl rollout status REF --timeout=ROLLOUT_TIMEOUT in the namespace. */
  rollout(ref: string): Promise<string>;
  pods(selector: string, namespace?: string): Promise<PodView[]>;
}

/** Registers the suite's before/after hooks; call at the top level of a test file. */
export function useKubeSession(opts: TargetOptions & { prefix: string }): KubeSession {
  const s = {} as KubeSession;
  s.ok = (args, timeoutMs = 30_000) => s.target.kubectlOk(args, { timeoutMs });
  s.k = (args, timeoutMs = 30_000) => s.target.kubectl(args, { timeoutMs });
  s.inNs = (args, timeoutMs) => s.ok(["-n", s.ns, ...args], timeoutMs);
  s.rollout = (ref) =>
    s.inNs(["rollout", "status", ref, `--timeout=${ROLLOUT_TIMEOUT}`], ROLLOUT_MS + 15_000);
  s.pods = async (selector, namespace) =>
    JSON.parse(await s.ok(["-n", namespace ?? s.ns, "get", "pods", "-l", selector, "-o", "json"])).items;
  before(async () => {
    s.target = await startTarget(opts);
    s.ns = uniqueName(opts.prefix);
    await s.ok(["create", "namespace", s.ns]);
  });
  after(async () => {
    // Do not wait: a real cluster takes a while to empty a namespace, and nothing depends on it.
    if (s.target && s.ns) await s.k(["delete", "namespace", s.ns, "--wait=false", "--ignore-not-found"]);
    await s.target?.close();
  });
  return s;
}
