#!/usr/bin/env node
// mcpctl: the kubectl-like CLI of the MCP hub. Everything but process wiring lives in src/ctl/.
import { processIo } from "../ctl/invocation.ts";
import { runCtl } from "../ctl/main.ts";

// `mcpctl get ... | head` closes the pipe early; that is the reader's choice, not an error.
process.stdout.on("error", (e: NodeJS.ErrnoException) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});

runCtl(process.argv.slice(2), processIo).then(
  (code) => process.exit(code),
  (e: unknown) => {
    process.stderr.write(`error: ${e instanceof Error ? e.message.split("\n")[0] : String(e)}\n`);
    process.exit(1);
  },
);
