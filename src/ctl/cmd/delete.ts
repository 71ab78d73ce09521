// `mcpctl delete`: objects named in manifests (-f), by KIND NAME..., or by selector (-l / --all),
// one line per object as it goes; --wait blocks until they are really gone (finalizers done).
import { UsageError } from "../../cli/flags.ts";
import type { HubClient, Query } from "../client.ts";
import {
  allNamespacesFlag,
  type Command,
  listObjects,
  parseTargets,
  selectorFlags,
  selectorQuery,
} from "../command.ts";
import { ApiError, CtlError, errorText, isNotFound } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import { type ApiResource, resourcePath } from "../resources.ts";
import { dryRun, dryRunFlag, failureLine, fileFlags, runManifests } from "./manifests-run.ts";

export const deleteCommand: Command = {
  name: "delete",
  usage:
    "mcpctl delete -f FILE|DIRECTORY|- [-R] | KIND NAME... | KIND/NAME... | KIND -l SELECTOR | KIND --all [flags]",
  summary:
    "Delete objects. With -f, the manifests' objects are deleted last-to-first, so objects go before the namespace that holds them.",
  flags: [
    ...fileFlags,
    ...selectorFlags,
    {
      name: "all",
      type: "boolean",
      default: "false",
      description: "Delete every object of the kind in the namespace",
    },
    allNamespacesFlag,
    {
      name: "ignore-not-found",
      type: "boolean",
      default: "false",
      description: "Treat an object that does not exist as deleted",
    },
    {
      name: "wait",
      type: "boolean",
      default: "false",
      description: "Wait until each object is gone (its finalizers have run)",
    },
    {
      name: "timeout",
      type: "duration",
      default: "60s",
      description: "How long --wait waits before failing",
    },
    {
      name: "cascade",
      type: "string",
      default: "background",
      description: "Dependents: background|foreground (delete them first)|orphan (keep them)",
    },
    dryRunFlag,
  ],
  examples: [
    "mcpctl delete -f examples/app.yaml",
    "mcpctl delete cluster east-1",
    "mcpctl delete cm -l app=web -n shop",
  ],
  run: runDelete,
};

interface Doomed {
  resource: ApiResource;
  namespace: string | undefined;
  name: string;
}

const CASCADE: Record<string, string> = {
  background: "Background",
  foreground: "Foreground",
  orphan: "Orphan",
};

async function runDelete(inv: Invocation, args: string[]): Promise<number> {
  const propagationPolicy = CASCADE[inv.str("cascade") ?? "background"];
  if (!propagationPolicy) throw new UsageError("--cascade must be background, foreground or orphan");
  const query: Query = { propagationPolicy, dryRun: dryRun(inv).query };
  const client = await inv.client();
  const deleted: Doomed[] = [];
  const del = async (d: Doomed, label: string): Promise<string | undefined> => {
    try {
      await client.call("DELETE", resourcePath(d.resource, d.namespace, d.name), { query });
    } catch (e) {
      if (isNotFound(e) && inv.bool("ignore-not-found")) return undefined;
      throw e;
    }
    deleted.push(d);
    return `${label} deleted${dryRun(inv).suffix}`;
  };
  let code: number;
  if (((inv.flags.filename as string[] | undefined) ?? []).length > 0) {
    if (args.length > 0) throw new UsageError("give either -f or KIND NAME..., not both");
    code = await runManifests(inv, {
      reverse: true,
      action: (p) =>
        del(
          { resource: p.resource, namespace: p.namespace, name: p.obj.metadata.name ?? "" },
          qualified(p.resource, p.obj.metadata.name ?? ""),
        ),
    });
  } else {
    code = await deleteByName(inv, args, del);
  }
  if (inv.bool("wait") && !dryRun(inv).query) code = Math.max(code, await waitGone(inv, client, deleted));
  return code;
}

/** kubectl's wording: `deployment.apps "web" deleted`. */
const qualified = (r: ApiResource, name: string) =>
  `${r.kind.toLowerCase()}${r.group ? `.${r.group}` : ""} "${name}"`;

async function deleteByName(
  inv: Invocation,
  args: string[],
  del: (d: Doomed, label: string) => Promise<string | undefined>,
): Promise<number> {
  const targets = parseTargets(args, "delete");
  const bySelector =
    inv.bool("all") || inv.str("selector") !== undefined || inv.str("field-selector") !== undefined;
  if (bySelector && targets.some((t) => t.names.length > 0))
    throw new UsageError("give names or a selector/--all, not both");
  if (!bySelector && targets.some((t) => t.names.length === 0)) {
    throw new UsageError(
      "name the objects to delete (KIND NAME...), or select them with -l SELECTOR or --all",
    );
  }
  const all = inv.bool("all-namespaces");
  if (all && !bySelector) throw new UsageError("--all-namespaces needs -l SELECTOR or --all");
  const client = await inv.client();
  const discovery = await inv.discovery();
  const ns = all ? undefined : await inv.namespace();
  const errors: string[] = [];
  for (const t of targets) {
    const r = await discovery.resolve(t.kind);
    const namespace = r.namespaced ? ns : undefined;
    let doomed: Doomed[] = t.names.map((name) => ({ resource: r, namespace, name }));
    if (bySelector) {
      const { items } = await listObjects(client, resourcePath(r, namespace), selectorQuery(inv));
      doomed = items.map((o) => ({
        resource: r,
        namespace: o.metadata.namespace,
        name: o.metadata.name ?? "",
      }));
      if (doomed.length === 0) inv.io.err("No resources found\n");
    }
    for (const d of doomed) {
      try {
        const line = await del(d, qualified(r, d.name));
        if (line) inv.io.out(`${line}\n`);
      } catch (e) {
        if (!(e instanceof ApiError || e instanceof CtlError)) throw e;
        errors.push(errorText(e));
      }
    }
  }
  for (const e of errors) inv.io.err(`${e}\n`);
  return errors.length > 0 ? 1 : 0;
}

/** Polls each deleted object until the hub answers NotFound, or fails at --timeout. */
async function waitGone(inv: Invocation, client: HubClient, deleted: Doomed[]): Promise<number> {
  const deadline = Date.now() + (inv.flags.timeout as number);
  const pending = [...deleted];
  let delay = 100;
  while (pending.length > 0) {
    for (let i = pending.length - 1; i >= 0; i--) {
      const d = pending[i];
      try {
        await client.get(resourcePath(d.resource, d.namespace, d.name));
      } catch (e) {
        if (!isNotFound(e)) throw e;
        pending.splice(i, 1);
      }
    }
    if (pending.length === 0) break;
    if (Date.now() >= deadline) {
      for (const d of pending) {
        inv.io.err(
          `${failureLine(qualified(d.resource, d.name), new CtlError("still present when --timeout expired (finalizers pending?)"))}\n`,
        );
      }
      return 1;
    }
    await new Promise((r) => setTimeout(r, delay));
    delay = Math.min(delay * 2, 1000);
  }
  return 0;
}
