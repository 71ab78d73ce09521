// `mcpctl cluster join NAME --kubeconfig MEMBER`: push-mode registration. The member's kubeconfig
// is read here, on the operator's machine (one context: its server, CA and credential), and
// handed to the hub as a ClusterJoin; the hub probes the member with it before storing anything,
// and keeps the credential encrypted. Nothing the hub answers contains the credential, and this
// command never prints it either.
import { existsSync } from "node:fs";
import { parseLabels } from "../../agent/options.ts";
import { type LoadedKubeconfig, loadKubeconfig } from "../../apiserver/auth/kubeconfig.ts";
import { dns1123Label } from "../../apiserver/validation/names.ts";
import { formatDuration } from "../../cli/duration.ts";
import { UsageError } from "../../cli/flags.ts";
import type { Command } from "../command.ts";
import { CtlError } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import { formatValue, parseOutput } from "../output.ts";
import { CLUSTER_JOINS } from "./cluster-hub.ts";
import { dryRun, dryRunFlag } from "./manifests-run.ts";

export interface JoinInput {
  name: string;
  member: LoadedKubeconfig;
  /** For messages: where the member's kubeconfig came from. */
  memberPath: string;
  labels: Record<string, string>;
  syncIntervalMs?: number;
}

const b64 = (pem: string) => Buffer.from(pem, "utf8").toString("base64");

/** The ClusterJoin to POST; throws CtlError when the kubeconfig cannot give the hub what it needs. */
export function clusterJoinFor(i: JoinInput): Record<string, unknown> {
  const m = i.member;
  const where = `${i.memberPath} (context ${m.contextName})`;
  if (!m.server.startsWith("https://"))
    throw new CtlError(`the member's server ${m.server} in ${where} is not an https:// URL`);
  if (m.insecureSkipTlsVerify)
    throw new CtlError(
      `${where} skips TLS verification; the hub verifies every member, so the kubeconfig must carry the member's certificate-authority`,
    );
  const cert = m.clientCertPem && m.clientKeyPem;
  if (!m.token && !cert)
    throw new CtlError(
      `${where} has neither a token nor a client certificate and key for the hub to use (exec and auth-provider plugins cannot be handed over: use a service account token)`,
    );
  const credential = m.token
    ? { token: m.token }
    : { clientCertificateData: b64(m.clientCertPem!), clientKeyData: b64(m.clientKeyPem!) };
  return {
    apiVersion: "mcp.platform/v1",
    kind: "ClusterJoin",
    metadata: { name: i.name },
    spec: {
      apiEndpoint: m.server.replace(/\/+$/, ""),
      ...(m.caPem ? { caData: b64(m.caPem) } : {}),
      ...credential,
      ...(Object.keys(i.labels).length > 0 ? { labels: i.labels } : {}),
      ...(i.syncIntervalMs !== undefined ? { syncInterval: formatDuration(i.syncIntervalMs) } : {}),
    },
  };
}

export const clusterJoinCommand: Command = {
  name: "join",
  usage:
    "mcpctl [--kubeconfig HUB] cluster join NAME --kubeconfig MEMBER [--context C] [--labels k=v,...] [--sync-interval 30s] [flags]",
  summary:
    "Join a cluster in push mode: the hub stores the member's endpoint, CA and credential (encrypted) and polls its status itself. " +
    "After 'cluster join', --kubeconfig and --context name the MEMBER's kubeconfig and context (also --member-kubeconfig and --member-context); " +
    "the hub's kubeconfig is the one given before 'cluster', MCPCONFIG, or the default. When --member-kubeconfig is given, --kubeconfig keeps its usual meaning anywhere.",
  flags: [
    {
      name: "member-kubeconfig",
      type: "string",
      description: "The member cluster's kubeconfig (--kubeconfig after 'cluster join' means the same)",
    },
    {
      name: "member-context",
      type: "string",
      description:
        "Context of the member's kubeconfig (default its current-context; --context after 'cluster join')",
    },
    {
      name: "labels",
      type: "list",
      default: "",
      description:
        "Labels of the Cluster: k=v,k2=v2; region, zone and provider also fill its placement fields",
    },
    {
      name: "sync-interval",
      type: "duration",
      description: "How often the hub polls the member's status (default: the hub's, 30s)",
    },
    dryRunFlag,
    {
      name: "output",
      short: "o",
      type: "string",
      description: "Print the ClusterJoin the hub accepted (never with its credential): json|yaml",
    },
  ],
  trailingFlagAliases: { kubeconfig: "member-kubeconfig", context: "member-context" },
  examples: [
    "mcpctl cluster join east-1 --kubeconfig ~/.kube/east-1.yaml --labels region=eu-west,env=prod",
    "mcpctl --kubeconfig hub.kubeconfig cluster join lab --kubeconfig lab.kubeconfig --context admin@lab",
    "MCPCONFIG=hub.kubeconfig mcpctl cluster join lab --member-kubeconfig lab.kubeconfig --sync-interval 10s",
  ],
  run: runJoin,
};

async function runJoin(inv: Invocation, args: string[]): Promise<number> {
  if (args.length !== 1) throw new UsageError("cluster join takes exactly one cluster NAME");
  const name = args[0];
  const nameCauses = dns1123Label("NAME", name);
  if (nameCauses.length > 0) throw new UsageError(`cluster name "${name}": ${nameCauses[0].message}`);
  const memberPath = inv.str("member-kubeconfig");
  if (!memberPath)
    throw new UsageError(
      "cluster join needs the member's kubeconfig: --kubeconfig FILE after the cluster NAME",
    );
  const format = inv.str("output") ? parseOutput(inv.str("output"), ["json", "yaml"], "json") : undefined;
  if (!existsSync(memberPath)) throw new CtlError(`member kubeconfig ${memberPath} does not exist`);
  const member = await loadKubeconfig(memberPath, inv.str("member-context")).catch((e: Error) => {
    throw new CtlError(e.message);
  });
  const body = clusterJoinFor({
    name,
    member,
    memberPath,
    labels: parseLabels((inv.flags.labels as string[]) ?? []),
    syncIntervalMs: inv.flags["sync-interval"] as number | undefined,
  });
  const dry = dryRun(inv);
  const client = await inv.client();
  const joined = await client.call("POST", CLUSTER_JOINS, { body, query: { dryRun: dry.query } });
  if (format === "json" || format === "yaml") inv.io.out(formatValue(joined, format));
  else inv.io.out(`cluster.mcp.platform/${name} joined${dry.suffix}\n`);
  return 0;
}
