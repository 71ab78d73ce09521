// Test support for agent ↔ hub tests: a real hub in-process (temp data dir, port 0 for both
// listeners, restartable on the same data dir and ports), an admin REST helper, and agents run
// in-process with a fake member collector.
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import type { TestContext } from "node:test";
import pino from "pino";
import { loadKubeconfig } from "../apiserver/auth/kubeconfig.ts";
import { parseFlags } from "../cli/flags.ts";
import { type Hub, startHub } from "../hub/hub.ts";
import { compileHubOptions, hubFlags } from "../hub/options.ts";
import { eventually as retryAssertion } from "../member-apply/testing.ts";
import { type Agent, startAgent } from "./agent.ts";
import type { AgentOptions } from "./options.ts";
import type { Collector, CommandHandler, Diagnoser, WorkReceiver } from "./session.ts";

export interface TestHub {
  hub: Hub;
  dataDir: string;
  /** Everything the hub logged (to check that no secret leaks into logs). */
  logs(): string;
  api<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: T }>;
  /** Stops the hub and starts it again on the same data dir and ports. */
  restart(): Promise<void>;
  /**
   * The two halves of restart(), for tests that act while the hub is down; start's flags replace
   * those given at first (the same data dir and ports).
   */
  stop(): Promise<void>;
  start(flags?: string[]): Promise<void>;
}

export async function startTestHub(t: TestContext, flags: string[] = []): Promise<TestHub> {
  const dataDir = await mkdtemp(join(tmpdir(), "mcp-agent-hub-"));
  let logText = "";
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logText += String(chunk);
      cb();
    },
  });
  const log = pino(
    { level: "info", redact: { paths: ["*.authorization", "*.token", "*.credential"] } },
    sink,
  );
  const options = (listen: string, agentListen: string, extra = flags) =>
    compileHubOptions(
      parseFlags(hubFlags, [
        ...["--data", dataDir, "--listen", listen, "--agent-listen", agentListen, "--audit-log", "off"],
        ...extra,
      ]).flags,
    );
  let hub = await startHub(options("127.0.0.1:0", "127.0.0.1:0"), log);
  let closed = false;
  t.after(async () => {
    if (!closed) await hub.close();
    await rm(dataDir, { recursive: true, force: true });
  });
  const th: TestHub = {
    get hub() {
      return hub;
    },
    dataDir,
    logs: () => logText,
    async api<T>(method: string, path: string, body?: unknown) {
      const kc = await loadKubeconfig(hub.kubeconfigPath);
      return new Promise<{ status: number; body: T }>((resolve, reject) => {
        const req = request(
          `${kc.server}${path}`,
          {
            method,
            ca: kc.caPem,
            cert: kc.clientCertPem,
            key: kc.clientKeyPem,
            headers: {
              "content-type": method === "PATCH" ? "application/merge-patch+json" : "application/json",
            },
          },
          (res) => {
            let text = "";
            res.setEncoding("utf8").on("data", (d: string) => (text += d));
            res.on("end", () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as T }));
          },
        );
        req.on("error", reject);
        req.end(body === undefined ? undefined : JSON.stringify(body));
      });
    },
    async restart() {
      await th.stop();
      await th.start();
    },
    async stop() {
      closed = true;
      await hub.close();
    },
    async start(again = flags) {
      hub = await startHub(options(`127.0.0.1:${hub.port}`, `127.0.0.1:${hub.agentPort}`, again), log);
      closed = false;
    },
  };
  return th;
}

/** A bootstrap token from the hub's REST API, as `mcpctl cluster token create` gets one. */
export async function bootstrapToken(h: TestHub, ttl = "1h"): Promise<string> {
  const res = await h.api<{ status: { token: string } }>("POST", "/apis/mcp.platform/v1/bootstraptokens", {
    apiVersion: "mcp.platform/v1",
    kind: "BootstrapToken",
    spec: { ttl },
  });
  if (res.status !== 201) throw new Error(`bootstrap token: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.status.token;
}

/** A member that reports a fixed status; `fail` makes it unreachable. */
export function fakeMember(nodes = 3) {
  const member = {
    calls: 0,
    fail: false,
    collect: (async () => {
      member.calls++;
      if (member.fail)
        throw Object.assign(new Error("cannot reach https://10.9.9.9:6443"), { kind: "network" });
      return {
        kubernetesVersion: "v1.30.4",
        nodes: { total: nodes, ready: nodes },
        components: {},
        notes: [],
        observedAt: new Date().toISOString(),
      };
    }) as Collector,
  };
  return member;
}

export interface TestAgentOptions {
  token?: string;
  labels?: Record<string, string>;
  stateDir?: string;
  collect?: Collector;
  diagnose?: Diagnoser;
  /** Applies the hub's Work (e.g. src/agent/work's WorkSync over a simulated member). */
  work?: WorkReceiver;
  /** Further hub commands by name (e.g. the policy audit's "policies"). */
  commands?: Record<string, CommandHandler>;
}

export async function startTestAgent(
  t: TestContext,
  h: TestHub,
  clusterName: string,
  o: TestAgentOptions = {},
): Promise<{ agent: Agent; opts: AgentOptions }> {
  const stateDir = o.stateDir ?? (await mkdtemp(join(tmpdir(), "mcp-agent-state-")));
  const opts: AgentOptions = {
    hubTarget: `127.0.0.1:${h.hub.agentPort}`,
    hubCaPath: h.hub.caPath,
    ...(o.token ? { bootstrapToken: o.token } : {}),
    clusterName,
    labels: o.labels ?? {},
    stateDir,
    logLevel: "silent",
    backoff: { initialMs: 50, maxMs: 400, resetAfterMs: 60_000 },
    registerTimeoutMs: 5000,
  };
  const agent = startAgent(opts, {
    collect: o.collect ?? fakeMember().collect,
    ...(o.diagnose ? { diagnose: o.diagnose } : {}),
    ...(o.work ? { work: o.work } : {}),
    ...(o.commands ? { commands: o.commands } : {}),
    log: pino({ level: "silent" }),
  });
  t.after(async () => {
    await agent.stop();
    if (!o.stateDir) await rm(stateDir, { recursive: true, force: true });
  });
  return { agent, opts };
}

/** Retries fn (an assertion) until it passes or the time is up, then throws its last error. */
export const eventually = <T>(fn: () => Promise<T> | T, timeoutMs = 5000): Promise<T> =>
  retryAssertion(fn, timeoutMs, 25);
