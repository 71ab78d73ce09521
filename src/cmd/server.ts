#!/usr/bin/env node
// mcp-server: the MCP hub. Parses flags, compiles options, starts the hub, stops on SIGTERM.
import { helpText, parseFlags, UsageError } from "../cli/flags.ts";
import { MCP_VERSION } from "../cli/version.ts";
import { startHub } from "../hub/hub.ts";
import { compileHubOptions, hubFlags } from "../hub/options.ts";

async function main(): Promise<number> {
  const { flags } = parseFlags(hubFlags, process.argv.slice(2));
  if (flags.help) {
    process.stdout.write(
      helpText(
        "mcp-server [flags]",
        "mcp-server runs the MCP hub: the fleet's API server, controllers and agent endpoint.",
        hubFlags,
      ),
    );
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`mcp-server ${MCP_VERSION}\n`);
    return 0;
  }
  const opts = compileHubOptions(flags);
  const hub = await startHub(opts);
  process.stdout.write(
    `MCP hub serving on ${hub.url}\n` +
      `  agent endpoint:   ${hub.agentUrl} (mcp-agent --hub)\n` +
      `  admin kubeconfig: ${hub.kubeconfigPath}\n` +
      `  CA certificate:   ${hub.caPath}\n` +
      `  try: mcpctl --kubeconfig ${hub.kubeconfigPath} get namespaces\n` +
      `   or: kubectl --kubeconfig ${hub.kubeconfigPath} get namespaces\n`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      hub.log.info({ signal }, "shutting down");
      hub.close().then(resolve, (e) => {
        hub.log.error({ err: e }, "shutdown failed");
        resolve();
      });
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    const msg = e instanceof UsageError ? `${e.message} (see mcp-server --help)` : (e as Error).message;
    process.stderr.write(`mcp-server: ${msg}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
