// `mcpctl cluster`: the cluster registry's lifecycle — bootstrap tokens for pull-mode agents,
// push-mode join, approval of agents waiting on a --require-approval hub, unjoin, and the
// manifest that installs an agent inside a member. Listing and inspecting clusters is
// `mcpctl get clusters` / `mcpctl describe cluster NAME`.
import type { KubeObject } from "../../apis/meta/types.ts";
import { UsageError } from "../../cli/flags.ts";
import type { HubClient } from "../client.ts";
import type { Command } from "../command.ts";
import { CtlError, isNotFound } from "../errors.ts";
import { CLUSTERS } from "./cluster-hub.ts";
import { clusterJoinCommand } from "./cluster-join.ts";
import { agentManifestCommand } from "./cluster-manifest.ts";
import { clusterTokenCommand } from "./cluster-token.ts";

const clusterPath = (name: string) => `${CLUSTERS}/${encodeURIComponent(name)}`;

function oneName(args: string[], command: string): string {
  if (args.length !== 1) throw new UsageError(`cluster ${command} takes exactly one cluster NAME`);
  return args[0];
}

const approve: Command = {
  name: "approve",
  usage: "mcpctl cluster approve NAME [flags]",
  summary:
    "Accept a pull-mode cluster whose agent registered with a hub started with --require-approval: it starts reporting status (spec.hubAcceptsClient=true).",
  flags: [],
  examples: ["mcpctl cluster approve edge-17"],
  run: async (inv, args) => {
    const name = oneName(args, "approve");
    const client = await inv.client();
    const cluster = await client.get<KubeObject>(clusterPath(name));
    const spec = (cluster.spec ?? {}) as { mode?: string; hubAcceptsClient?: boolean };
    if (spec.mode === "Push")
      throw new CtlError(`cluster ${name} is joined in push mode: it has no agent waiting for approval`);
    if (spec.hubAcceptsClient === true) {
      inv.io.out(`cluster.mcp.platform/${name} already approved\n`);
      return 0;
    }
    await client.call("PATCH", clusterPath(name), {
      body: { spec: { hubAcceptsClient: true } },
      contentType: "application/merge-patch+json",
      query: { fieldManager: "mcpctl" },
    });
    inv.io.out(`cluster.mcp.platform/${name} approved\n`);
    return 0;
  },
};

const unjoin: Command = {
  name: "unjoin",
  usage: "mcpctl cluster unjoin NAME [--wait] [flags]",
  summary:
    "Remove a cluster from the fleet: its Cluster is deleted, its credentials are revoked, and a connected agent is told goodbye and exits.",
  flags: [
    {
      name: "wait",
      type: "boolean",
      default: "false",
      description: "Wait until the Cluster is gone (its finalizers have run)",
    },
    {
      name: "timeout",
      type: "duration",
      default: "60s",
      description: "How long --wait waits before failing",
    },
  ],
  examples: ["mcpctl cluster unjoin edge-17", "mcpctl cluster unjoin east-1 --wait"],
  run: async (inv, args) => {
    const name = oneName(args, "unjoin");
    const client = await inv.client();
    await client.call("DELETE", clusterPath(name));
    if (inv.bool("wait")) await waitGone(client, name, inv.flags.timeout as number);
    inv.io.out(`cluster.mcp.platform/${name} unjoined\n`);
    return 0;
  },
};

async function waitGone(client: HubClient, name: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let delay = 100;
  for (;;) {
    try {
      await client.get(clusterPath(name));
    } catch (e) {
      if (isNotFound(e)) return;
      throw e;
    }
    if (Date.now() >= deadline)
      throw new CtlError(`cluster ${name} was still present when --timeout expired (finalizers pending?)`);
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
}

export const clusterCommand: Command = {
  name: "cluster",
  usage: "mcpctl cluster SUBCOMMAND [flags]",
  summary:
    "Join, approve and unjoin member clusters; issue bootstrap tokens and agent install manifests. See the fleet with 'mcpctl get clusters'.",
  flags: [],
  subcommands: [clusterTokenCommand, clusterJoinCommand, approve, unjoin, agentManifestCommand],
  examples: [
    "mcpctl cluster token create",
    "mcpctl cluster join east-1 --kubeconfig east-1.kubeconfig --labels region=eu-west",
    "mcpctl cluster agent-manifest edge-17 --hub-url https://hub.example.com:6444 | kubectl apply -f -",
    "mcpctl cluster unjoin east-1 --wait",
  ],
};
