// The agent's life: register once (bootstrap token → cluster credential, stored 0600), then keep
// one stream to the hub for as long as it runs, reconnecting with jittered exponential backoff
// after any break (hub restarts included) without operator action. It ends cleanly on stop()
// (SIGTERM), on the hub's Goodbye (the credential is deleted: this cluster was unjoined), or when
// the hub refuses its credential or registration (retrying cannot fix those).
import { readFile } from "node:fs/promises";
import { setTimeout as sleep } from "node:timers/promises";
import { status } from "@grpc/grpc-js";
import type { Logger } from "pino";
import { MCP_VERSION } from "../cli/version.ts";
import { Backoff } from "./backoff.ts";
import { deleteCredential, loadCredential, saveCredential } from "./credential.ts";
import { grpcCode, HubClient } from "./hub-client.ts";
import type { AgentOptions } from "./options.ts";
import {
  type Collector,
  type CommandHandler,
  type Diagnoser,
  runSession,
  type WorkReceiver,
} from "./session.ts";

export interface AgentDeps {
  collect: Collector;
  /** Runs the hub's diagnose commands (mcp-diag against the member). */
  diagnose?: Diagnoser;
  /** Further hub commands by name (e.g. the policy audit). */
  commands?: Record<string, CommandHandler>;
  /** Applies the hub's Work to the member (src/agent/work/). */
  work?: WorkReceiver;
  log: Logger;
  /** For tests: deterministic jitter. */
  random?: () => number;
}

export interface AgentExit {
  /** The process exit code: 0 for stop and Goodbye, 1 when the hub refused the agent. */
  code: 0 | 1;
  reason: "stopped" | "goodbye" | "rejected";
  message: string;
}

export interface Agent {
  /** Resolves when the agent has ended, and why. */
  done: Promise<AgentExit>;
  /** Stops the agent (closing its stream) and waits for it. */
  stop(): Promise<AgentExit>;
}

/** Registration errors worth retrying: the hub is not reachable yet, or was busy. */
const RETRY_REGISTER = new Set<status>([
  status.UNAVAILABLE,
  status.DEADLINE_EXCEEDED,
  status.ABORTED,
  status.INTERNAL,
  status.UNKNOWN,
  status.RESOURCE_EXHAUSTED,
  status.CANCELLED,
]);

export function startAgent(opts: AgentOptions, deps: AgentDeps): Agent {
  const ac = new AbortController();
  const done = run(opts, deps, ac.signal).catch((e: unknown): AgentExit => {
    const message = e instanceof Error ? e.message : String(e);
    deps.log.error({ err: message }, "the agent failed");
    return { code: 1, reason: "rejected", message };
  });
  return {
    done,
    async stop() {
      ac.abort();
      return done;
    },
  };
}

async function run(opts: AgentOptions, deps: AgentDeps, signal: AbortSignal): Promise<AgentExit> {
  const log = deps.log;
  const caPem = await readFile(opts.hubCaPath).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`cannot read --hub-ca ${opts.hubCaPath}: ${e.code ?? e.message}`);
  });
  const backoff = new Backoff(opts.backoff, deps.random);
  const stopped: AgentExit = { code: 0, reason: "stopped", message: "stopped" };

  let credential = (await loadCredential(opts.stateDir, opts.clusterName))?.credential;
  if (credential) log.info({ stateDir: opts.stateDir }, "using the stored cluster credential");
  while (!credential) {
    if (!opts.bootstrapToken)
      return rejected(`no stored credential in ${opts.stateDir} and no --bootstrap-token to register with`);
    const client = new HubClient(opts.hubTarget, caPem);
    try {
      const res = await client.register(
        opts.bootstrapToken,
        {
          cluster_name: opts.clusterName,
          labels: opts.labels,
          kubernetes_version: await kubernetesVersion(deps.collect, signal),
          agent_version: MCP_VERSION,
        },
        opts.registerTimeoutMs,
      );
      await saveCredential(opts.stateDir, {
        clusterName: opts.clusterName,
        hub: opts.hubTarget,
        credential: res.credential,
        registeredAt: new Date().toISOString(),
      });
      credential = res.credential;
      log.info({ accepted: res.accepted }, res.message || "registered with the hub");
    } catch (e) {
      const code = grpcCode(e);
      const message = (e as { details?: string }).details || (e as Error).message;
      if (signal.aborted) return stopped;
      if (code === undefined || !RETRY_REGISTER.has(code))
        return rejected(`registration refused: ${message}`);
      const delay = backoff.next();
      log.warn({ err: message, retryInMs: delay }, "cannot register yet");
      if (!(await pause(delay, signal))) return stopped;
    } finally {
      client.close();
    }
  }
  backoff.reset();

  for (;;) {
    if (signal.aborted) return stopped;
    const client = new HubClient(opts.hubTarget, caPem);
    const end = await runSession({
      client,
      credential,
      clusterName: opts.clusterName,
      collect: deps.collect,
      diagnose: deps.diagnose,
      commands: deps.commands,
      work: deps.work,
      log,
      signal,
    });
    client.close();
    switch (end.kind) {
      case "stopped":
        return stopped;
      case "goodbye":
        await deleteCredential(opts.stateDir, opts.clusterName);
        log.info({ reason: end.reason }, "the hub said goodbye; credential deleted");
        return { code: 0, reason: "goodbye", message: end.reason };
      case "rejected":
        return rejected(
          `the hub refused this cluster's credential (${end.message}); if the cluster was unjoined, ` +
            `register again with a new bootstrap token after removing ${opts.stateDir}/${opts.clusterName}`,
        );
      case "lost": {
        if (end.healthyMs >= opts.backoff.resetAfterMs) backoff.reset();
        const delay = backoff.next();
        log.warn({ err: end.message, retryInMs: delay }, "lost the hub; reconnecting");
        if (!(await pause(delay, signal))) return stopped;
      }
    }
  }

  function rejected(message: string): AgentExit {
    log.error(message);
    return { code: 1, reason: "rejected", message };
  }
}

/** The member's version for the Cluster created at registration; empty when it cannot be read yet. */
async function kubernetesVersion(collect: Collector, signal: AbortSignal): Promise<string> {
  try {
    const observed = (await collect(signal)) as { kubernetesVersion?: unknown };
    return typeof observed.kubernetesVersion === "string" ? observed.kubernetesVersion : "";
  } catch {
    return "";
  }
}

/** Waits, unless the agent is stopped meanwhile; false when it was. */
async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
