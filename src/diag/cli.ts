// mcp-diag's commands, behind the thin src/cmd/diag.ts: `scan` (one cluster through a kubeconfig)
// and `checks` (the catalog). They write through an Io and return the exit code, so tests run
// them in-process:
//   0  the scan ran and found nothing at or above --fail-on
//   1  findings at or above --fail-on (default error)
//   2  usage error (bad flag, unknown check, unreadable kubeconfig or context)
//   3  the scan itself failed: the cluster is unreachable, untrusted, or rejected the credential
import { KubeConfig } from "@kubernetes/client-node";
import { helpText, parseFlags, UsageError } from "../cli/flags.ts";
import { MCP_VERSION } from "../cli/version.ts";
import { allChecks } from "./checks/index.ts";
import { checksFlags, compileScanOptions, failsOn, type ScanOptions, scanFlags } from "./options.ts";
import { formatJson, type ReportMeta } from "./output/json.ts";
import { formatSarif } from "./output/sarif.ts";
import { columns, formatTable } from "./output/table.ts";
import { runChecks } from "./scan.ts";
import { ScanFailedError, takeSnapshot } from "./snapshot.ts";
import type { Check, SnapshotKey } from "./types.ts";

export interface Io {
  stdout(text: string): void;
  stderr(text: string): void;
  /** Whether stderr is a terminal: progress is drawn only there. */
  tty: boolean;
}

export const EXIT = { clean: 0, findings: 1, usage: 2, scanFailed: 3 } as const;

const SUMMARY =
  "mcp-diag diagnoses a Kubernetes cluster: upgrade blockers, version incompatibilities, node,\n" +
  "workload, storage, network, operations and security misconfiguration. It only reads.\n\n" +
  "Commands:\n" +
  "  mcp-diag scan [flags]     scan the cluster of a kubeconfig (see mcp-diag scan --help)\n" +
  "  mcp-diag checks [-o json] list every check: code, area, severity, title\n\n" +
  "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage error, 3 the scan failed.";

export async function diagMain(argv: string[], io: Io, checks: Check[] = allChecks): Promise<number> {
  try {
    const [command, ...rest] = argv;
    if (command === "scan") return await scan(rest, io, checks);
    if (command === "checks") return listChecks(rest, io, checks);
    if (command === "--version") {
      io.stdout(`mcp-diag ${MCP_VERSION}\n`);
      return EXIT.clean;
    }
    if (command === "--help" || command === "-h" || command === "help") {
      io.stdout(`${SUMMARY}\n`);
      return EXIT.clean;
    }
    throw new UsageError(
      command === undefined ? "name a command: scan or checks" : `unknown command "${command}"`,
    );
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`mcp-diag: ${e.message} (see mcp-diag --help)\n`);
    return EXIT.usage;
  }
}

async function scan(argv: string[], io: Io, all: Check[]): Promise<number> {
  const { flags } = parseFlags(scanFlags, argv);
  if (flags.help) {
    io.stdout(
      helpText(
        "mcp-diag scan [--kubeconfig K] [--context C] [--target-version V] [--checks area,...] [-o table|json|sarif] [--fail-on warning|error|none]",
        `${SUMMARY.split("\n\n")[0]}\n\n${SUMMARY.split("\n\n")[2]}`,
        scanFlags,
      ),
    );
    return EXIT.clean;
  }
  if (flags.version) {
    io.stdout(`mcp-diag ${MCP_VERSION}\n`);
    return EXIT.clean;
  }
  const opts = compileScanOptions(flags, all);
  const kc = loadKubeConfig(opts);
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server)
    throw new UsageError(`the kubeconfig's context "${kc.getCurrentContext()}" has no cluster`);

  // Only what the selected checks read: `--checks storage` does not list every pod.
  const keys = [...new Set(opts.checks.flatMap((c) => c.reads))] as SnapshotKey[];
  const progress = (done: number, total: number) => {
    if (io.tty) io.stderr(`\rreading ${cluster.name}: ${done}/${total} requests`);
  };
  let snapshot: Awaited<ReturnType<typeof takeSnapshot>>;
  try {
    snapshot = await takeSnapshot(kc, {
      keys,
      timeoutMs: opts.timeoutMs,
      concurrency: opts.concurrency,
      onProgress: progress,
    });
  } catch (e) {
    if (io.tty) io.stderr("\n");
    if (!(e instanceof ScanFailedError)) throw e;
    io.stderr(`mcp-diag: scan of ${cluster.name} failed: ${e.message}\n`);
    return EXIT.scanFailed;
  }
  if (io.tty) io.stderr("\r\x1b[K");
  const scannedAt = new Date();
  const result = runChecks(snapshot, opts.checks, { targetVersion: opts.targetVersion, now: scannedAt });
  const meta: ReportMeta = { cluster: cluster.name, scannedAt, unreadable: { ...snapshot.unreadable } };
  if (opts.output === "json") io.stdout(formatJson(result, meta));
  else if (opts.output === "sarif") io.stdout(formatSarif(result, meta, opts.checks));
  else io.stdout(formatTable(result, meta));
  return failsOn(
    opts.failOn,
    result.findings.map((f) => f.severity),
  )
    ? EXIT.findings
    : EXIT.clean;
}

function loadKubeConfig(opts: ScanOptions): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) kc.loadFromFile(opts.kubeconfig);
    else kc.loadFromDefault();
  } catch (e) {
    throw new UsageError(`cannot read the kubeconfig ${opts.kubeconfig ?? ""}: ${(e as Error).message}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context))
      throw new UsageError(`the kubeconfig has no context "${opts.context}"`);
    kc.setCurrentContext(opts.context);
  }
  return kc;
}

function listChecks(argv: string[], io: Io, all: Check[]): number {
  const { flags } = parseFlags(checksFlags, argv);
  if (flags.help) {
    io.stdout(helpText("mcp-diag checks [-o table|json]", "mcp-diag checks lists every check.", checksFlags));
    return EXIT.clean;
  }
  if (flags.version) {
    io.stdout(`mcp-diag ${MCP_VERSION}\n`);
    return EXIT.clean;
  }
  const output = String(flags.output);
  if (output === "json") {
    const rows = all.map((c) => ({
      code: c.code,
      area: c.area,
      severity: c.severity,
      title: c.title,
      description: c.description,
      reads: c.reads,
    }));
    io.stdout(`${JSON.stringify(rows, null, 2)}\n`);
  } else if (output === "table") {
    const rows = all.map((c) => [c.code, c.area, c.severity, c.title]);
    io.stdout(`${columns([["CODE", "AREA", "SEVERITY", "TITLE"], ...rows]).join("\n")}\n`);
    io.stdout(`${all.length} checks\n`);
  } else throw new UsageError(`-o must be table or json, got "${output}"`);
  return EXIT.clean;
}
