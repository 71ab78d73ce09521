// A fleet of agents with the real member side, run as its own process so that hundreds or a
// thousand agents do not share an event loop with the benchmark process that times them. Each
// agent is the real agent library (bench/lib/agent-fleet.ts) with src/agent/member.ts's status
// collector against one simulated cluster, named after it, plus (by flag) the Work applier
// (server-side apply) and the diagnoser (mcp-diag's checks).
// Usage: node bench/lib/member-agents.ts --hub URL --hub-ca FILE --tokens FILE --kubeconfig-dir DIR
//        [--work] [--diagnose] [--start-rate N] [--log-level L]
// --tokens is a JSON array of {name, token}; DIR holds mcp-sim's <name>.kubeconfig files.
// Prints "agents: N started" once every agent has started; SIGTERM (or stdin closing: the
// benchmark died) stops them all and prints "agents: stopped {count, first}" before exiting.
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseArgs } from "node:util";
import pino from "pino";
import { slimClientNode } from "../../src/kube/client-node-slim.ts";

// As mcp-agent does (src/cmd/agent.ts): client-node without its generated models, so the member
// side here runs the code that ships. The hooks must be in place before member.ts loads.
slimClientNode();
const { loadMemberKubeConfig, memberCollector, memberDiagnoser, memberWork } = await import(
  "../../src/agent/member.ts"
);
const { startAgentFleet } = await import("./agent-fleet.ts");

const { values: flags } = parseArgs({
  options: {
    hub: { type: "string" },
    "hub-ca": { type: "string" },
    tokens: { type: "string" },
    "kubeconfig-dir": { type: "string" },
    work: { type: "boolean", default: false },
    diagnose: { type: "boolean", default: false },
    "start-rate": { type: "string", default: "50" },
    "log-level": { type: "string", default: "warn" },
  },
});

async function main(): Promise<void> {
  const { hub, "hub-ca": hubCa, tokens: tokensPath, "kubeconfig-dir": kubeconfigDir } = flags;
  if (!hub || !hubCa || !tokensPath || !kubeconfigDir)
    throw new Error("--hub, --hub-ca, --tokens and --kubeconfig-dir are required");
  const plan = JSON.parse(await readFile(tokensPath, "utf8")) as { name: string; token: string }[];
  const fleet = await startAgentFleet({
    hubAgentUrl: hub,
    hubCaPath: hubCa,
    names: plan.map((p) => p.name),
    tokens: plan.map((p) => p.token),
    startRate: Number(flags["start-rate"]),
    labels: () => ({ env: "bench" }),
    log: pino({ level: flags["log-level"] }, pino.destination(2)),
    async member(_i, name, { stateDir, log }) {
      const kc = loadMemberKubeConfig(join(kubeconfigDir, `${name}.kubeconfig`));
      return {
        collect: memberCollector(kc),
        ...(flags.work ? { work: await memberWork(kc, { stateDir, clusterName: name, log }) } : {}),
        ...(flags.diagnose ? { diagnose: memberDiagnoser(kc, name) } : {}),
      };
    },
  });
  process.stdout.write(`agents: ${plan.length} started\n`);
  await new Promise<void>((resolve) => {
    process.once("SIGTERM", () => resolve());
    process.once("SIGINT", () => resolve());
    process.stdin.on("end", () => resolve()).resume();
  });
  const exited = fleet.exited();
  await fleet.stop();
  process.stdout.write(`agents: stopped ${JSON.stringify(exited)}\n`);
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`agents: ${(e as Error).stack ?? e}\n`);
    process.exit(1);
  },
);
