#!/usr/bin/env node
// mcp-demo (`npm run demo`): hub + simulated clusters + agents on this machine, until Ctrl-C.
import { constants } from "node:os";
import { type FlagSpec, HELP_FLAG, helpText, parseFlags, UsageError } from "../cli/flags.ts";
import { type Demo, startDemo } from "../demo/demo.ts";

const flags: FlagSpec[] = [
  {
    name: "data",
    type: "string",
    default: "./mcp-data",
    description: "hub data directory (the simulator and agents keep their state inside it)",
  },
  {
    name: "listen",
    type: "string",
    default: "127.0.0.1:6443",
    description:
      "HOST:PORT of the hub's API; its agent endpoint takes the next port (port 0: a free port for each)",
  },
  { name: "clusters", type: "int", default: "3", description: "how many simulated member clusters" },
  { name: "nodes", type: "int", default: "3", description: "nodes per simulated cluster" },
  HELP_FLAG,
];

async function main(): Promise<number> {
  const { flags: f } = parseFlags(flags, process.argv.slice(2));
  if (f.help) {
    process.stdout.write(
      helpText(
        "npm run demo [-- flags]",
        "Runs an MCP hub, simulated member clusters and their agents.",
        flags,
      ),
    );
    return 0;
  }
  const clusters = f.clusters as number;
  if (clusters < 1 || clusters > 50) throw new UsageError("--clusters must be between 1 and 50");
  // Signals are handled from the start: a Ctrl-C while the fleet comes up still stops what started.
  const stopping = new AbortController();
  for (const sig of ["SIGINT", "SIGTERM"] as const) process.once(sig, () => stopping.abort(sig));
  let demo: Demo;
  try {
    demo = await startDemo({
      dataDir: String(f.data),
      listen: String(f.listen),
      clusters,
      nodes: f.nodes as number,
      syncInterval: "10s",
      log: (l) => process.stdout.write(`${l}\n`),
      signal: stopping.signal,
    });
  } catch (e) {
    if (!stopping.signal.aborted) throw e;
    process.stdout.write("stopped before the fleet was up\n");
    return 128 + constants.signals[stopping.signal.reason as "SIGINT" | "SIGTERM"];
  }
  process.stdout.write(
    `\nThe fleet is up. In another terminal:\n` +
      `  bin/mcpctl --kubeconfig ${demo.kubeconfig} get clusters -o wide\n` +
      `  bin/mcpctl --kubeconfig ${demo.kubeconfig} describe cluster sim-001\n` +
      `  kubectl --kubeconfig ${demo.kubeconfig} get clusters\n` +
      `  bin/mcpctl --kubeconfig ${demo.kubeconfig} apply -f examples/app.yaml\n` +
      `Press Ctrl-C to stop.\n`,
  );
  if (!stopping.signal.aborted)
    await new Promise((r) => stopping.signal.addEventListener("abort", r, { once: true }));
  process.stdout.write("stopping...\n");
  await demo.stop();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (e) => {
    process.stderr.write(
      `mcp-demo: ${(e as Error).message}${e instanceof UsageError ? " (see --help)" : ""}\n`,
    );
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
