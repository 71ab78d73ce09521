// Fills Node's compile cache (NODE_COMPILE_CACHE, set by the caller) with every module mcp-agent
// may load, as an agent that has run once has it (bin/mcp-agent keeps the cache): the measured
// agent then runs as a restarted agent does, without loading Node's TypeScript stripper. Modules
// are imported, not run: importing them starts nothing. The entry itself is compiled by running
// it with --help (agent-process.ts).
import { flushCompileCache } from "node:module";
import { slimClientNode, slimModules } from "../../src/kube/client-node-slim.ts";

slimClientNode();
const roots = [
  "../../src/agent/agent.ts",
  "../../src/agent/log.ts",
  "../../src/agent/member.ts",
  "../../src/agent/audit/member.ts",
  "../../src/policy/compile.ts",
  "../../src/diag/fleet/report.ts",
].map((m) => new URL(m, import.meta.url).href);
for (const m of [...roots, ...slimModules()]) await import(m);
flushCompileCache();
