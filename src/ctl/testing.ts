// Test support for mcpctl commands: an Io that collects what a run prints.
import type { Io } from "./invocation.ts";

/** Output collected in stdout and stderr; stdin is empty. */
export function captureIo(): Io & { stdout: string; stderr: string } {
  const io = {
    stdout: "",
    stderr: "",
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
    readStdin: async () => "",
  };
  return io;
}
