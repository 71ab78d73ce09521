// `mcpctl cluster token create`: a single-use, expiring bootstrap token for one mcp-agent to
// register with. The token alone goes to stdout (so `T=$(mcpctl cluster token create)` works);
// the mcp-agent command that uses it goes to stderr as a hint.
import { type Command, noArguments } from "../command.ts";
import type { Invocation } from "../invocation.ts";
import { formatValue, parseOutput } from "../output.ts";
import {
  agentEndpoint,
  createBootstrapToken,
  hubCaPathHint,
  hubUrlFlag,
  shellWord,
  ttlFlag,
} from "./cluster-hub.ts";

const create: Command = {
  name: "create",
  usage: "mcpctl cluster token create [--ttl 1h] [--description TEXT] [-o json|yaml] [flags]",
  summary:
    "Issue a bootstrap token an mcp-agent registers its cluster with. It works once and expires after --ttl; the agent then holds its own cluster credential.",
  flags: [
    ttlFlag,
    {
      name: "description",
      type: "string",
      description: "What the token is for (kept with the token at the hub)",
    },
    hubUrlFlag,
    {
      name: "output",
      short: "o",
      type: "string",
      description: "Print the whole BootstrapToken: json|yaml (default: just the token)",
    },
  ],
  examples: [
    "mcpctl cluster token create",
    "TOKEN=$(mcpctl cluster token create --ttl 30m)",
    "mcpctl cluster token create -o yaml",
  ],
  run: runCreate,
};

async function runCreate(inv: Invocation, args: string[]): Promise<number> {
  noArguments(args, "cluster token create");
  const format = inv.str("output") ? parseOutput(inv.str("output"), ["json", "yaml"], "json") : undefined;
  const client = await inv.client();
  const issued = await createBootstrapToken(client, inv.flags.ttl as number, inv.str("description"));
  const token = issued.status.token ?? "";
  if (format === "json" || format === "yaml") inv.io.out(formatValue(issued, format));
  else inv.io.out(`${token}\n`);
  inv.io.err(`${await agentHint(inv, token, issued.status.expirationTimestamp)}\n`);
  return 0;
}

/** One line: how to run the agent with this token. */
export async function agentHint(
  inv: Invocation,
  token: string,
  expires: string | undefined,
): Promise<string> {
  const hub = await agentEndpoint(inv);
  const command = [
    "mcp-agent",
    ...["--hub", hub.url],
    ...["--hub-ca", await hubCaPathHint(inv)],
    ...["--bootstrap-token", token],
    ...["--cluster-name", "NAME", "--kubeconfig", "MEMBER-KUBECONFIG"],
  ]
    .map(shellWord)
    .join(" ");
  const when = expires ? `, expires ${expires}` : "";
  // The hub does not publish its agent endpoint; say so when the address is mcp-server's default guessed.
  const guessed = hub.derived ? "  # agent endpoint assumed to be the API port + 1; see --hub-url" : "";
  return `To join a cluster (the token works once${when}), run beside it: ${command}${guessed}`;
}

export const clusterTokenCommand: Command = {
  name: "token",
  usage: "mcpctl cluster token SUBCOMMAND [flags]",
  summary: "Bootstrap tokens for pull-mode registration (mcp-agent --bootstrap-token).",
  flags: [],
  subcommands: [create],
};
