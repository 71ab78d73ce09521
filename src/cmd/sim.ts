#!/usr/bin/env node
// mcp-sim: simulated member clusters. `mcp-sim [flags]` starts a fleet and runs until SIGINT or
// SIGTERM; `mcp-sim fault <cluster> [flags]` changes a running fleet's faults.
import pino from "pino";
import { helpText, parseFlags, UsageError } from "../cli/flags.ts";
import { MCP_VERSION } from "../cli/version.ts";
import { faultFlags, runFault } from "../sim/fault-command.ts";
import { SimFleet } from "../sim/fleet.ts";
import { compileSimOptions, simFlags } from "../sim/options.ts";

const SUMMARY =
  "mcp-sim runs simulated Kubernetes clusters (API servers with nodes, kube-system and workload\n" +
  "controllers) in one process, and writes a kubeconfig for each.\n\n" +
  "Subcommands:\n  mcp-sim fault <cluster> [flags]   inject or clear faults (see mcp-sim fault --help)";

async function main(argv: string[]): Promise<number> {
  if (argv[0] === "fault") return fault(argv.slice(1));
  const { flags } = parseFlags(simFlags, argv);
  if (flags.help) {
    process.stdout.write(helpText("mcp-sim [flags]", SUMMARY, simFlags));
    return 0;
  }
  if (flags.version) {
    process.stdout.write(`mcp-sim ${MCP_VERSION}\n`);
    return 0;
  }
  const opts = await compileSimOptions(flags);
  const log = pino({ level: opts.logLevel, base: { component: "mcp-sim" } }, pino.destination(2));
  const total = opts.profiles.length;
  const started = performance.now();
  const tty = process.stdout.isTTY;
  const fleet = await SimFleet.start({
    ...opts,
    log,
    onProgress(n) {
      // One line rewritten in place on a terminal; a line per 10% otherwise (logs, CI).
      if (tty) process.stdout.write(`\rstarting clusters: ${n}/${total}`);
      else if (n === total || n % Math.max(1, Math.ceil(total / 10)) === 0)
        process.stdout.write(`started ${n}/${total} clusters\n`);
    },
  });
  if (tty) process.stdout.write("\n");
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  const first = fleet.clusters[0];
  process.stdout.write(
    `mcp-sim: ${total} cluster(s) running (started in ${seconds}s)\n` +
      `  kubeconfigs: ${fleet.outDir}/<cluster>.kubeconfig\n` +
      `  fleet index: ${fleet.indexPath}\n` +
      `  control API: ${fleet.control.url}\n` +
      `  try: kubectl --kubeconfig ${fleet.kubeconfigPath(first.name)} get nodes\n` +
      `       mcp-sim fault ${first.name} --offline --out ${fleet.outDir}\n`,
  );
  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: string) => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, "stopping the fleet");
      fleet.stop().then(resolve, (e) => {
        log.error({ err: e }, "stopping failed");
        resolve();
      });
    };
    process.on("SIGTERM", () => stop("SIGTERM"));
    process.on("SIGINT", () => stop("SIGINT"));
  });
  return 0;
}

async function fault(argv: string[]): Promise<number> {
  const { flags, positionals } = parseFlags(faultFlags, argv, { allowPositionals: true });
  if (flags.help) {
    process.stdout.write(
      helpText(
        "mcp-sim fault <cluster> [flags]",
        "mcp-sim fault changes the faults of one cluster of a running fleet and prints them.\n" +
          "Examples: --offline, --online, --latency 200ms, --nodes-not-ready 2, --crashloop default/web,\n" +
          "--error-rate 0.2, --p99 1500ms, --clear",
        faultFlags,
      ),
    );
    return 0;
  }
  if (positionals.length !== 1)
    throw new UsageError("name exactly one cluster, e.g. mcp-sim fault sim-002 --offline");
  process.stdout.write(await runFault(positionals[0], flags));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (e) => {
    const msg = e instanceof UsageError ? `${e.message} (see mcp-sim --help)` : (e as Error).message;
    process.stderr.write(`mcp-sim: ${msg}\n`);
    process.exit(e instanceof UsageError ? 2 : 1);
  },
);
