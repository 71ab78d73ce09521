// `mcpctl create -f` (POST each object), `mcpctl create namespace NAME`, `mcpctl create token SA`
// (a service-account bearer token from the TokenRequest API) and `mcpctl replace -f` (PUT).
import type { KubeObject } from "../../apis/meta/types.ts";
import { UsageError } from "../../cli/flags.ts";
import type { Command } from "../command.ts";
import type { Invocation } from "../invocation.ts";
import { formatValue, parseOutput } from "../output.ts";
import { objectRef, resourcePath } from "../resources.ts";
import { dryRun, dryRunFlag, fileFlags, runManifests } from "./manifests-run.ts";
import { collectOutput, writeOutputFlags } from "./write-output.ts";

const tokenCommand: Command = {
  name: "token",
  usage: "mcpctl create token SERVICEACCOUNT [-n NAMESPACE] [--duration 1h] [flags]",
  summary:
    "Request a bearer token for a service account and print it. Put it in a kubeconfig's user.token to act as that account.",
  flags: [
    {
      name: "duration",
      type: "duration",
      default: "1h",
      description: "How long the token is valid (the hub accepts 10m to 8760h)",
    },
    {
      name: "output",
      short: "o",
      type: "string",
      description: "Print the whole TokenRequest: json|yaml (default: just the token)",
    },
  ],
  examples: ["mcpctl create token deployer -n shop", "mcpctl create token ci-bot --duration 24h"],
  run: async (inv, args) => {
    if (args.length !== 1) throw new UsageError("create token takes exactly one SERVICEACCOUNT name");
    const format = inv.str("output") ? parseOutput(inv.str("output"), ["json", "yaml"], "json") : undefined;
    const ms = inv.flags.duration as number;
    const ns = await inv.namespace();
    const client = await inv.client();
    const path = `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(args[0])}/token`;
    const res = await client.call<{ status?: { token?: string } }>("POST", path, {
      body: {
        apiVersion: "authentication.k8s.io/v1",
        kind: "TokenRequest",
        spec: { expirationSeconds: Math.round(ms / 1000) },
      },
    });
    if (format === "json" || format === "yaml") inv.io.out(formatValue(res, format));
    else inv.io.out(`${res.status?.token ?? ""}\n`);
    return 0;
  },
};

const namespaceCommand: Command = {
  name: "namespace",
  usage: "mcpctl create namespace NAME [flags]",
  summary: "Create a namespace.",
  flags: [dryRunFlag, ...writeOutputFlags],
  run: async (inv, args) => {
    if (args.length !== 1) throw new UsageError("create namespace takes exactly one NAME");
    const client = await inv.client();
    const dry = dryRun(inv);
    const out = collectOutput(inv);
    const created = await client.call<KubeObject>("POST", "/api/v1/namespaces", {
      query: { dryRun: dry.query, fieldManager: "mcpctl" },
      body: { apiVersion: "v1", kind: "Namespace", metadata: { name: args[0] } },
    });
    const line = out.line(created, `namespace/${created.metadata.name} created${dry.suffix}`);
    if (line) inv.io.out(`${line}\n`);
    out.flush();
    return 0;
  },
};

export const createCommand: Command = {
  name: "create",
  usage:
    "mcpctl create -f FILE|DIRECTORY|- [-R] [flags]\n  mcpctl create token SERVICEACCOUNT [flags]\n  mcpctl create namespace NAME",
  summary:
    "Create objects from manifests (failing for any that already exist), a namespace, or a service-account token.",
  flags: [...fileFlags, dryRunFlag, ...writeOutputFlags],
  subcommands: [tokenCommand, namespaceCommand],
  examples: ["mcpctl create -f cluster.yaml", "mcpctl create token deployer -n shop"],
  run: async (inv, args) => {
    if (args.length > 0)
      throw new UsageError(
        `unknown create subcommand "${args[0]}": use create -f, create token or create namespace`,
      );
    const client = await inv.client();
    const dry = dryRun(inv);
    const out = collectOutput(inv);
    const code = await runManifests(inv, {
      allowGenerateName: true,
      action: async (p) => {
        const created = await client.call<KubeObject>("POST", resourcePath(p.resource, p.namespace), {
          query: { dryRun: dry.query, fieldManager: "mcpctl" },
          body: p.obj,
        });
        return out.line(
          created,
          `${objectRef(p.resource, created.metadata.name ?? "")} created${dry.suffix}`,
        );
      },
    });
    out.flush();
    return code;
  },
};

export const replaceCommand: Command = {
  name: "replace",
  usage: "mcpctl replace -f FILE|DIRECTORY|- [-R] [flags]",
  summary:
    "Replace objects with the manifests' content (PUT): fields the manifest leaves out are cleared. Each object must exist.",
  flags: [...fileFlags, dryRunFlag, ...writeOutputFlags],
  examples: ["mcpctl replace -f cluster.yaml"],
  run: async (inv: Invocation) => {
    const client = await inv.client();
    const dry = dryRun(inv);
    const out = collectOutput(inv);
    const code = await runManifests(inv, {
      action: async (p) => {
        const path = resourcePath(p.resource, p.namespace, p.obj.metadata.name);
        const replaced = await client.call<KubeObject>("PUT", path, {
          query: { dryRun: dry.query, fieldManager: "mcpctl" },
          body: p.obj,
        });
        return out.line(replaced, `${p.ref} replaced${dry.suffix}`);
      },
    });
    out.flush();
    return code;
  },
};
