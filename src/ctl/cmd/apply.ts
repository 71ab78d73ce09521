// `mcpctl apply`: server-side apply of every object in the manifests, as field manager mcpctl,
// reporting for each whether the hub changed it.
import type { KubeObject } from "../../apis/meta/types.ts";
import type { Command } from "../command.ts";
import { ApiError, isNotFound } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import { resourcePath } from "../resources.ts";
import { dryRun, dryRunFlag, fileFlags, runManifests } from "./manifests-run.ts";
import { collectOutput, writeOutputFlags } from "./write-output.ts";

export const applyCommand: Command = {
  name: "apply",
  usage: "mcpctl apply -f FILE|DIRECTORY|- [-R] [flags]",
  summary:
    "Create or update objects from manifests with server-side apply. Multi-document YAML, JSON and v1 Lists are read; each object is applied in file order, failures are listed at the end.",
  flags: [
    ...fileFlags,
    {
      name: "force-conflicts",
      type: "boolean",
      default: "false",
      description: "Take ownership of fields another manager set, instead of failing with a conflict",
    },
    {
      name: "field-manager",
      type: "string",
      default: "mcpctl",
      description: "Name of the manager that owns the applied fields",
    },
    {
      name: "server-side",
      type: "boolean",
      default: "true",
      description: "Accepted for kubectl compatibility; apply is always server-side",
    },
    dryRunFlag,
    ...writeOutputFlags,
  ],
  examples: [
    "mcpctl apply -f examples/app.yaml",
    "mcpctl apply -f manifests/ -R",
    "cat app.yaml | mcpctl apply -f -",
  ],
  run: runApply,
};

async function runApply(inv: Invocation, _args: string[]): Promise<number> {
  const client = await inv.client();
  const dry = dryRun(inv);
  const out = collectOutput(inv);
  const code = await runManifests(inv, {
    action: async (p) => {
      const path = resourcePath(p.resource, p.namespace, p.obj.metadata.name);
      const before = await client.get<KubeObject>(path).catch((e) => {
        if (isNotFound(e)) return undefined;
        throw e;
      });
      const after = await client
        .call<KubeObject>("PATCH", path, {
          query: {
            fieldManager: inv.str("field-manager") ?? "mcpctl",
            force: inv.bool("force-conflicts") ? "true" : undefined,
            dryRun: dry.query,
          },
          body: JSON.stringify(p.obj),
          contentType: "application/apply-patch+yaml",
        })
        .catch((e) => {
          throw withConflictHint(e);
        });
      const unchanged =
        before !== undefined && before.metadata.resourceVersion === after.metadata.resourceVersion;
      return out.line(after, `${p.ref} ${unchanged ? "unchanged" : "serverside-applied"}${dry.suffix}`);
    },
  });
  out.flush();
  return code;
}

/** An apply conflict says how to resolve it: take the fields over, or leave them out. */
function withConflictHint(e: unknown): unknown {
  if (!(e instanceof ApiError) || e.code !== 409 || !/apply failed/i.test(e.status.message ?? "")) return e;
  const hint = "; use --force-conflicts to take these fields over, or remove them from the manifest";
  return new ApiError(e.code, { ...e.status, message: `${e.status.message}${hint}` });
}
