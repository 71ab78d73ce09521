#!/usr/bin/env node
// mcp-diag: diagnostics for one cluster through a kubeconfig (`mcp-diag scan`) and the catalog
// of checks (`mcp-diag checks`). The commands live in src/diag/cli.ts; this only wires the process.
import { diagMain } from "../diag/cli.ts";

diagMain(process.argv.slice(2), {
  stdout: (s) => process.stdout.write(s),
  stderr: (s) => process.stderr.write(s),
  tty: process.stderr.isTTY === true,
}).then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    // Not a usage error nor a failed scan: a bug. One line, and the exit code of a failed scan.
    process.stderr.write(`mcp-diag: ${(e as Error).message}\n`);
    process.exitCode = 3;
  },
);
