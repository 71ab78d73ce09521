// Which kubeconfig mcpctl uses and the `config` subcommands' view of it: --kubeconfig, then
// MCPCONFIG, then a local hub's ./mcp-data/hub.kubeconfig, then ~/.mcp/config. Edits keep the
// file's comments and layout (yaml Document API) and its owner-only mode.
import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { type Document, isMap, isSeq, parseDocument } from "yaml";
import { writeAtomic } from "../apiserver/auth/files.ts";
import { CtlError } from "./errors.ts";

export const LOCAL_HUB_KUBECONFIG = join("mcp-data", "hub.kubeconfig");

/** The kubeconfig path: the flag (which parseFlags already fills from MCPCONFIG), else the defaults. */
export function kubeconfigPath(flag: string | undefined, cwd = process.cwd(), home = homedir()): string {
  if (flag) return resolve(cwd, flag.replace(/^~(?=\/|$)/, home));
  const local = resolve(cwd, LOCAL_HUB_KUBECONFIG);
  if (existsSync(local)) return local;
  return join(home, ".mcp", "config");
}

export interface ContextEntry {
  name: string;
  cluster: string;
  user: string;
  namespace: string;
}

export interface ConfigFile {
  path: string;
  doc: Document;
  current: string | undefined;
  contexts: ContextEntry[];
}

export async function readConfigFile(path: string): Promise<ConfigFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") throw missingConfig(path);
    throw new CtlError(`cannot read kubeconfig ${path}: ${(e as Error).message}`);
  }
  const doc = parseDocument(text);
  if (doc.errors.length > 0)
    throw new CtlError(`kubeconfig ${path} is not valid YAML: ${doc.errors[0].message.split("\n")[0]}`);
  const plain = (doc.toJS() ?? {}) as {
    "current-context"?: string;
    contexts?: { name?: string; context?: Record<string, string> }[];
  };
  const contexts = (Array.isArray(plain.contexts) ? plain.contexts : []).map((c) => ({
    name: c.name ?? "",
    cluster: c.context?.cluster ?? "",
    user: c.context?.user ?? "",
    namespace: c.context?.namespace ?? "",
  }));
  return { path, doc, current: plain["current-context"] || undefined, contexts };
}

/** The error when no kubeconfig exists: says how to get one rather than just "ENOENT". */
export function missingConfig(path: string): CtlError {
  return new CtlError(
    `kubeconfig ${path} does not exist: start a hub (mcp-server writes ./${LOCAL_HUB_KUBECONFIG}), or pass --kubeconfig FILE or set MCPCONFIG`,
  );
}

export async function saveConfigFile(file: ConfigFile): Promise<void> {
  const mode = (await stat(file.path)).mode & 0o777;
  await writeAtomic(file.path, file.doc.toString(), mode);
}

export function setCurrentContext(file: ConfigFile, name: string): void {
  requireContext(file, name);
  file.doc.set("current-context", name);
  file.current = name;
}

/** Sets (or with "" clears) a context's default namespace. */
export function setContextNamespace(file: ConfigFile, name: string, namespace: string): void {
  const index = file.contexts.findIndex((c) => c.name === name);
  requireContext(file, name);
  const seq = file.doc.get("contexts");
  const entry = isSeq(seq) ? seq.items[index] : undefined;
  const inner = isMap(entry) ? entry.get("context") : undefined;
  if (!isMap(inner)) throw new CtlError(`context "${name}" in ${file.path} has no context section`);
  if (namespace) inner.set("namespace", namespace);
  else inner.delete("namespace");
  file.contexts[index].namespace = namespace;
}

function requireContext(file: ConfigFile, name: string): void {
  if (!file.contexts.some((c) => c.name === name)) {
    throw new CtlError(`no context exists with the name "${name}" in ${file.path}`);
  }
}

const SECRET_FIELDS = new Set(["client-certificate-data", "client-key-data", "certificate-authority-data"]);

/** The config as `config view` prints it: credentials replaced unless raw. */
export function viewConfig(file: ConfigFile, raw: boolean): unknown {
  const plain = file.doc.toJS() ?? {};
  if (raw) return plain;
  return JSON.parse(JSON.stringify(plain), (key, value) => {
    if (SECRET_FIELDS.has(key) && typeof value === "string") return "DATA+OMITTED";
    if (key === "token" && typeof value === "string") return "REDACTED";
    return value;
  });
}
