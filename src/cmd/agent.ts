#!/usr/bin/env node
// mcp-agent: runs beside a member cluster and keeps it joined to the hub. Parses flags, compiles
// options, starts the agent, stops on SIGTERM; exits 0 when stopped or unjoined (Goodbye), 1 when
// the hub refuses it, 2 on bad flags. Only what the flags need is imported up front.
import { agentFlags, compileAgentOptions } from "../agent/options.ts";
import { helpText, parseFlags, UsageError } from "../cli/flags.ts";
import { MCP_VERSION } from "../cli/version.ts";
import { slimClientNode } from "../kube/client-node-slim.ts";

// grpc-js puts an IP-address hub into TLS SNI, which Node flags (once) as DEP0123: noise the
// operator can do nothing about, so just that one warning is dropped.
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const code = typeof rest[0] === "object" ? (rest[0] as { code?: string } | null)?.code : rest[1];
  if (code === "DEP0123") return;
  (emitWarning as (...a: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;

async function main(): Promise<number> {
  const { flags } = parseFlags(agentFlags, process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(
      helpText(
        "mcp-agent --hub URL --hub-ca FILE --cluster-name NAME [--bootstrap-token T] [--kubeconfig K] [flags]",
        "mcp-agent joins a member cluster to the MCP hub: it registers, then streams the cluster's status to the hub every syncInterval and applies the Work the hub sends (server-side apply, drift corrected every syncInterval).",
        agentFlags,
      ),
    );
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`mcp-agent ${MCP_VERSION}\n`);
    return 0;
  }
  const opts = compileAgentOptions(flags);
  // Loaded only now, and without the client's generated API classes and models (see
  // client-node-slim.ts): the Kubernetes client is most of the agent's memory and start-up time.
  slimClientNode();
  const { startAgent } = await import("../agent/agent.ts");
  const { agentLogger } = await import("../agent/log.ts");
  const { loadMemberKubeConfig, memberCollector, memberDiagnoser, memberWork } = await import(
    "../agent/member.ts"
  );
  const { memberPolicyAuditor } = await import("../agent/audit/member.ts");
  const log = agentLogger(opts.logLevel, opts.clusterName);
  const kc = loadMemberKubeConfig(opts.kubeconfigPath);
  log.info({ hub: opts.hubTarget, member: kc.getCurrentCluster()?.server }, "starting");
  const agent = startAgent(opts, {
    collect: memberCollector(kc),
    diagnose: memberDiagnoser(kc, opts.clusterName),
    commands: { policies: memberPolicyAuditor(kc, opts.clusterName, log) },
    work: await memberWork(kc, { stateDir: opts.stateDir, clusterName: opts.clusterName, log }),
    log,
  });
  const onSignal = (signal: string) => {
    log.info({ signal }, "shutting down");
    void agent.stop();
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  const exit = await agent.done;
  log.info({ reason: exit.reason }, "stopped");
  return exit.code;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    const msg = e instanceof UsageError ? `${e.message} (see mcp-agent --help)` : (e as Error).message;
    process.stderr.write(`mcp-agent: ${msg}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
