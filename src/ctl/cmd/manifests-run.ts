// The loop behind apply/create/replace/delete -f: read every manifest, resolve each object's kind
// against discovery and its namespace against -n, run the command's action on it, print one line
// per object as it goes, and keep going past failures, which are all listed at the end.
import type { KubeObject } from "../../apis/meta/types.ts";
import { type FlagSpec, UsageError } from "../../cli/flags.ts";
import { ApiError, CtlError, errorText } from "../errors.ts";
import type { Invocation } from "../invocation.ts";
import { docLabel, type ManifestDoc, readManifests } from "../manifests.ts";
import { type ApiResource, objectRef } from "../resources.ts";

export const fileFlags: FlagSpec[] = [
  {
    name: "filename",
    short: "f",
    type: "list",
    description: "Manifest file, directory (its .yaml, .yml and .json files) or - for stdin; repeatable",
  },
  {
    name: "recursive",
    short: "R",
    type: "boolean",
    default: "false",
    description: "Also read the directories inside directories given with -f",
  },
];

export const dryRunFlag: FlagSpec = {
  name: "dry-run",
  type: "string",
  default: "none",
  description: "none, or server: the hub checks and admits the change but does not persist it",
};

/** The `dryRun` query parameter for --dry-run, and the suffix printed after each object. */
export function dryRun(inv: Invocation): { query: string | undefined; suffix: string } {
  const v = inv.str("dry-run") ?? "none";
  if (v === "none") return { query: undefined, suffix: "" };
  if (v === "server") return { query: "All", suffix: " (server dry run)" };
  throw new UsageError(`--dry-run must be none or server, got "${v}"`);
}

export interface Prepared {
  doc: ManifestDoc;
  obj: KubeObject;
  resource: ApiResource;
  /** Set for namespaced kinds. */
  namespace: string | undefined;
  /** `deployment.apps/web` */
  ref: string;
}

export interface RunOptions {
  /** create accepts metadata.generateName instead of a name. */
  allowGenerateName?: boolean;
  /** delete goes last-to-first, so objects go before the namespace that holds them. */
  reverse?: boolean;
  /** Does the work for one object; what it returns is printed as that object's line. */
  action: (p: Prepared) => Promise<string | undefined>;
}

/** Runs the action on every object of the -f manifests; returns the exit code. */
export async function runManifests(inv: Invocation, opts: RunOptions): Promise<number> {
  const paths = (inv.flags.filename as string[] | undefined) ?? [];
  if (paths.length === 0)
    throw new UsageError("give the manifests with -f FILE, -f DIRECTORY or -f - (stdin)");
  const docs = await readManifests(paths, {
    recursive: inv.bool("recursive"),
    readStdin: () => inv.io.readStdin(),
  });
  if (opts.reverse) docs.reverse();
  const errors: string[] = [];
  const state: RunState = { allowGenerateName: opts.allowGenerateName === true, crdWritten: false };
  let done = 0;
  for (const doc of docs) {
    try {
      if (doc.error || !doc.object) throw new CtlError(doc.error ?? "empty document");
      const p = await prepare(inv, doc, state);
      const line = await opts.action(p);
      if (line) inv.io.out(`${line}\n`);
      if (p.resource.kind === "CustomResourceDefinition" && p.resource.group === "apiextensions.k8s.io") {
        state.crdWritten = true;
      }
      done++;
    } catch (e) {
      errors.push(failureLine(docLabel(doc), e));
    }
  }
  if (done === 0 && errors.length === 0) errors.push(`error: no objects found in ${paths.join(", ")}`);
  for (const e of errors) inv.io.err(`${e}\n`);
  return errors.length > 0 ? 1 : 0;
}

/** `Error from server (Invalid): app.yaml (document 3): ...` or `error: app.yaml (document 2): ...` */
export function failureLine(where: string, e: unknown): string {
  if (e instanceof ApiError) return e.message.replace(/^(Error from server \([^)]*\)): /, `$1: ${where}: `);
  if (e instanceof UsageError) throw e;
  return `error: ${where}: ${errorText(e)}`;
}

interface RunState {
  allowGenerateName: boolean;
  /** A CustomResourceDefinition was written in this run, so a kind not served yet may appear. */
  crdWritten: boolean;
}

async function prepare(inv: Invocation, doc: ManifestDoc, state: RunState): Promise<Prepared> {
  const obj = structuredClone(doc.object as KubeObject);
  const resource = await resourceFor(inv, obj, state.crdWritten);
  const allowGenerateName = state.allowGenerateName;
  const name = obj.metadata.name;
  if (!name && !(allowGenerateName && obj.metadata.generateName))
    throw new CtlError(`${obj.kind} has no metadata.name`);
  let namespace: string | undefined;
  if (resource.namespaced) {
    const own = obj.metadata.namespace;
    const flag = inv.str("namespace");
    if (own && flag && own !== flag) {
      throw new CtlError(`the object's namespace "${own}" does not match --namespace "${flag}"`);
    }
    namespace = own || (await inv.namespace());
    obj.metadata.namespace = namespace;
  } else {
    delete obj.metadata.namespace;
  }
  return { doc, obj, resource, namespace, ref: objectRef(resource, name ?? obj.metadata.generateName ?? "") };
}

async function resourceFor(inv: Invocation, obj: KubeObject, crdWritten: boolean): Promise<ApiResource> {
  const discovery = await inv.discovery();
  let r = await discovery.forKind(obj.apiVersion, obj.kind);
  // A CRD applied earlier in this run takes a moment to be served; look again before giving up.
  for (let i = 0; !r && crdWritten && i < 20; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    discovery.refresh();
    r = await discovery.forKind(obj.apiVersion, obj.kind);
  }
  if (!r) throw new CtlError(`no matches for kind "${obj.kind}" in version "${obj.apiVersion}"`);
  return r;
}
